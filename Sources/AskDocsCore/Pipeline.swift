// The named value at each step of the pipeline:
// file → Document → Section → Chunk → (index) → Candidate → RankedPassage → Answer.

import Foundation

/// One unit of text inside a section. Kinds matter downstream: a code block or a table row is never
/// split and is quoted whole; prose is split into sentences.
public enum BlockKind: String, Sendable, Codable, Equatable {
    case prose
    case code
    case tableRow
}

public struct Block: Sendable, Equatable {
    public var kind: BlockKind
    public var text: String
    /// The term or signature of the definition-list entry the block belongs to ("time.perf_counter()",
    /// a glossary word), nil outside one. API references are lists of such entries; an answer quoted from
    /// an entry's description is shown under its signature, and a chunk never spans two entries.
    public var entry: String?
    public init(_ kind: BlockKind, _ text: String, entry: String? = nil) {
        self.kind = kind
        self.text = text
        self.entry = entry
    }
}

/// A heading and the blocks under it, up to the next heading of any level.
public struct Section: Sendable, Equatable {
    /// Headings from the document's top to this section, not including the document title.
    public var headingPath: [String]
    public var anchor: String?
    public var blocks: [Block]
    public init(headingPath: [String], anchor: String? = nil, blocks: [Block] = []) {
        self.headingPath = headingPath
        self.anchor = anchor
        self.blocks = blocks
    }
}

/// A parsed source file: what a reader makes of `.md`, `.html` or `.txt`.
public struct Document: Sendable, Equatable {
    /// Path relative to the corpus root, with `/` separators.
    public var source: String
    public var title: String
    public var date: String?
    public var url: String?
    public var tags: [String]
    public var sections: [Section]
    public init(source: String, title: String, date: String? = nil, url: String? = nil,
                tags: [String] = [], sections: [Section]) {
        self.source = source
        self.title = title
        self.date = date
        self.url = url
        self.tags = tags
        self.sections = sections
    }
}

/// The unit that is indexed and retrieved: part of one section, ~150–300 words, never splitting a
/// sentence, a code block or a table row.
public struct Chunk: Sendable, Equatable {
    public var headingPath: [String]
    public var anchor: String?
    public var ordinal: Int
    public var kind: BlockKind
    /// Blocks joined by blank lines; `Chunk.blocks(of:)` recovers them.
    public var text: String
    /// The definition-list entry the chunk lies in (see `Block.entry`).
    public var entry: String?
    public init(headingPath: [String], anchor: String?, ordinal: Int, kind: BlockKind, text: String,
                entry: String? = nil) {
        self.headingPath = headingPath
        self.anchor = anchor
        self.ordinal = ordinal
        self.kind = kind
        self.text = text
        self.entry = entry
    }
}

/// A chunk as the index returns it for a query, with the facts ranking needs.
public struct Candidate: Sendable, Equatable {
    public var chunkID: Int64
    public var source: String
    public var title: String
    public var headingPath: [String]
    public var anchor: String?
    public var kind: BlockKind
    public var text: String
    /// FTS5's bm25 score, sign flipped so that larger is better.
    public var indexScore: Double
    /// Stems stored at index time; nil means "stem the text now" (hand-made candidates in tests).
    public var stems: CandidateStems?
    /// The definition-list entry the chunk lies in (see `Block.entry`).
    public var entry: String?
    /// Where the page is published (its canonical URL, or the index's base URL joined with its path).
    public var pageURL: String?
    public init(chunkID: Int64, source: String, title: String, headingPath: [String], anchor: String?,
                kind: BlockKind, text: String, indexScore: Double, stems: CandidateStems? = nil,
                entry: String? = nil, pageURL: String? = nil) {
        self.pageURL = pageURL
        self.stems = stems
        self.entry = entry
        self.chunkID = chunkID
        self.source = source
        self.title = title
        self.headingPath = headingPath
        self.anchor = anchor
        self.kind = kind
        self.text = text
        self.indexScore = indexScore
    }

    /// "Title › Section › Subsection", the citation users see.
    public var sectionLabel: String { headingPath.isEmpty ? title : headingPath.joined(separator: " › ") }

    /// The link that opens the page at this passage's section, when the page's URL is known.
    public var url: String? { pageURL.map { url in anchor.map { url + "#" + $0 } ?? url } }
}

/// Corpus-wide statistics the ranker needs, looked up by the index for one query's terms.
public struct CorpusStatistics: Sendable, Equatable {
    public var chunkCount: Int
    public var averageChunkTokens: Double
    /// Chunks containing each stemmed term.
    public var documentFrequency: [String: Int]
    /// Chunks whose document title contains each stemmed term.
    public var titleFrequency: [String: Int]
    /// Chunks whose heading path contains each stemmed term.
    public var headingFrequency: [String: Int]
    public init(chunkCount: Int, averageChunkTokens: Double, documentFrequency: [String: Int],
                titleFrequency: [String: Int] = [:], headingFrequency: [String: Int] = [:]) {
        self.chunkCount = chunkCount
        self.averageChunkTokens = averageChunkTokens
        self.documentFrequency = documentFrequency
        self.titleFrequency = titleFrequency
        self.headingFrequency = headingFrequency
    }

    func idf(df: Int) -> Double {
        let n = Double(max(chunkCount, 1))
        // BM25's idf, floored like FTS5 does so that very common terms still count a little.
        return max(1e-6, log((n - Double(df) + 0.5) / (Double(df) + 0.5)))
    }

    public func idf(_ term: String) -> Double { idf(df: documentFrequency[term] ?? 0) }
    /// How telling a match in a title is: a word in every chunk's title (a one-document corpus) tells nothing.
    public func titleIDF(_ term: String) -> Double { idf(df: titleFrequency[term] ?? 0) }
    /// How telling a match in a heading is.
    public func headingIDF(_ term: String) -> Double { idf(df: headingFrequency[term] ?? 0) }

    /// Whether no chunk holds the concept in any of its variants (each variant has a word no chunk holds):
    /// what typo correction, the dictionary check and the unknown-word rule all start from.
    public func holdsNone(of concept: QueryConcept) -> Bool {
        concept.terms.allSatisfy { term in term.stems.contains { documentFrequency[$0, default: 0] == 0 } }
    }

    /// Whether the concept can tell chunks apart: in fewer than half of them (BM25's idf above its floor),
    /// or in none. A word in half the chunks or more is the corpus' subject ("celery" in Celery's docs).
    public func tellsChunksApart(_ concept: QueryConcept) -> Bool {
        idf(ofPhrase: concept.terms.first?.stems ?? []) > 0.01
    }

    /// The idf of a term that may be a phrase: as telling as its rarest word ("out of the box" as "box").
    public func idf(ofPhrase stems: [String]) -> Double { stems.map(idf).max() ?? 0 }
    /// Title and heading idf of a phrase: the mean over its words. (Unlike the body's rarest-word rule;
    /// kept as measured, see issue #4 for trying one rule for both.)
    public func titleIDF(ofPhrase stems: [String]) -> Double { Self.mean(stems.map(titleIDF)) }
    public func headingIDF(ofPhrase stems: [String]) -> Double { Self.mean(stems.map(headingIDF)) }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}

/// The Porter stems of a chunk's title, heading path and body, in token order.
public struct CandidateStems: Sendable, Equatable {
    public var title: [String]
    public var headings: [String]
    public var body: [String]
    public init(title: [String], headings: [String], body: [String]) {
        self.title = title
        self.headings = headings
        self.body = body
    }
}

/// A candidate after reranking, with the evidence that put it there (for `:why`).
public struct RankedPassage: Sendable, Equatable {
    public var candidate: Candidate
    public var score: Double
    public var features: [String: Double]
    /// Query concepts this passage covers (by concept label).
    public var matchedConcepts: [String]
    public init(candidate: Candidate, score: Double, features: [String: Double], matchedConcepts: [String]) {
        self.candidate = candidate
        self.score = score
        self.features = features
        self.matchedConcepts = matchedConcepts
    }
}

public struct Citation: Sendable, Equatable, Codable {
    public var source: String
    public var title: String
    public var section: String
    public var anchor: String?
    /// The page at the section, when its URL is known.
    public var url: String?
    public init(source: String, title: String, section: String, anchor: String?, url: String? = nil) {
        self.source = source
        self.title = title
        self.section = section
        self.anchor = anchor
        self.url = url
    }
}

/// A sentence (or code block, or table row) considered for the answer, with its score's parts.
public struct ScoredSentence: Sendable, Equatable {
    public var text: String
    public var passageIndex: Int
    public var score: Double
    public var coverage: Double
    public var features: [String: Double]
}

/// What `ask` returns: the quoted answer and where it comes from, or an abstention.
public struct Answer: Sendable, Equatable {
    public var question: String
    public var text: String
    public var abstained: Bool
    public var citations: [Citation]
    public var passages: [RankedPassage]
    /// Sentences considered, best first (for `:why`).
    public var consideredSentences: [ScoredSentence]
    public var evidenceCoverage: Double
    /// What the answer-or-abstain decision read (nil when it stopped before weighing evidence).
    public var abstentionEvidence: AbstentionEvidence?
    /// The parts of `text` quoted from code or a literal block, each verbatim as it stands in `text`, in
    /// order: what a client shows in a monospace block with a copy button.
    public var code: [String] = []
    public init(question: String, text: String, abstained: Bool, citations: [Citation],
                passages: [RankedPassage], consideredSentences: [ScoredSentence], evidenceCoverage: Double) {
        self.question = question
        self.text = text
        self.abstained = abstained
        self.citations = citations
        self.passages = passages
        self.consideredSentences = consideredSentences
        self.evidenceCoverage = evidenceCoverage
    }
}
