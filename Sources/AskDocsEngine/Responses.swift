// The JSON shapes of `search --json` and `ask --json` (and of the HTTP API, which returns the same).
// Absent anchors and URLs are encoded as null, not left out: the contract names every key.

import AskDocsCore
import Foundation

public struct SearchResult: Sendable, Codable, Equatable {
    public var source: String
    public var title: String
    public var section: String
    public var anchor: String?
    /// The page at the section (`https://…/library/logging.html#anchor`), null when unknown.
    public var url: String?
    public var score: Double
    public var text: String
    public var snippet: String

    enum CodingKeys: String, CodingKey { case source, title, section, anchor, url, score, text, snippet }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(title, forKey: .title)
        try c.encode(section, forKey: .section)
        try c.encode(anchor, forKey: .anchor)
        try c.encode(url, forKey: .url)
        try c.encode((score * 10_000).rounded() / 10_000, forKey: .score)
        try c.encode(text, forKey: .text)
        try c.encode(snippet, forKey: .snippet)
    }

    public init(source: String, title: String, section: String, anchor: String?, url: String? = nil, score: Double,
                text: String, snippet: String) {
        self.source = source
        self.title = title
        self.section = section
        self.anchor = anchor
        self.url = url
        self.score = score
        self.text = text
        self.snippet = snippet
    }

    public init(_ passage: RankedPassage, query: AnalyzedQuery) {
        let c = passage.candidate
        self.init(source: c.source, title: c.title, section: c.sectionLabel, anchor: c.anchor, url: c.url, score: passage.score,
                  text: c.text, snippet: Highlighter.snippet(of: c.text, for: query))
    }
}

public struct SearchResponse: Sendable, Codable, Equatable {
    public var query: String
    /// The query as searched when a word of it was corrected ("showing results for …"); the key is
    /// present only then, so that the contract's shape is unchanged for every other query.
    public var showingResultsFor: String?
    public var results: [SearchResult]

    enum CodingKeys: String, CodingKey { case query, showingResultsFor, results }

    public init(_ outcome: SearchOutcome) {
        query = outcome.query.text
        showingResultsFor = outcome.query.correctedText
        results = outcome.passages.map { SearchResult($0, query: outcome.query) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(query, forKey: .query)
        try c.encodeIfPresent(showingResultsFor, forKey: .showingResultsFor)
        try c.encode(results, forKey: .results)
    }
}

public struct CitationJSON: Sendable, Codable, Equatable {
    public var source: String
    public var title: String
    public var section: String
    public var anchor: String?
    public var url: String?

    enum CodingKeys: String, CodingKey { case source, title, section, anchor, url }

    public init(_ c: Citation) {
        source = c.source
        title = c.title
        section = c.section
        anchor = c.anchor
        url = c.url
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(title, forKey: .title)
        try c.encode(section, forKey: .section)
        try c.encode(anchor, forKey: .anchor)
        try c.encode(url, forKey: .url)
    }
}

public struct AskResponse: Sendable, Codable, Equatable {
    public var question: String
    /// The question as searched when a word of it was corrected ("showing results for …"); the key is
    /// present only then.
    public var showingResultsFor: String?
    public var answer: String
    public var abstained: Bool
    public var citations: [CitationJSON]
    public var passages: [SearchResult]
    /// The parts of `answer` that are code, verbatim (see Answer.code).
    public var code: [String]

    enum CodingKeys: String, CodingKey { case question, showingResultsFor, answer, abstained, citations, passages, code }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(question, forKey: .question)
        try c.encodeIfPresent(showingResultsFor, forKey: .showingResultsFor)
        try c.encode(answer, forKey: .answer)
        try c.encode(abstained, forKey: .abstained)
        try c.encode(citations, forKey: .citations)
        try c.encode(passages, forKey: .passages)
        try c.encode(code, forKey: .code)
    }

    /// The passages are those the answer was read from (for an abstention: the closest matches).
    public init(_ answer: Answer, query: AnalyzedQuery, passageLimit: Int = 3) {
        question = answer.question
        showingResultsFor = query.correctedText
        self.answer = answer.text
        abstained = answer.abstained
        citations = answer.citations.map(CitationJSON.init)
        passages = answer.passages.prefix(passageLimit).map { SearchResult($0, query: query) }
        code = answer.code
    }
}

public enum JSONOutput {
    /// Keys sorted: the same answer is the same bytes in every process (Foundation's encoder otherwise
    /// writes them in its dictionaries' order, which changes from one run to the next).
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
            : [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What `POST /api/reindex` returns: the CLI's one-line summary and its figures.
public struct ReindexResponse: Sendable, Codable, Equatable {
    public var summary: String
    public var added: Int
    public var updated: Int
    public var removed: Int
    public var unchanged: Int
    public var skipped: Int
    public var chunksWritten: Int
    public var documents: Int
    public var chunks: Int
    public var seconds: Double
    public var skippedFiles: [SkippedFile]
    /// Skipped files counted by reason (`SkippedFile.category`).
    public var skippedByReason: [String: Int]

    public init(_ s: IndexSummary) {
        summary = s.line
        added = s.added
        updated = s.updated
        removed = s.removed
        unchanged = s.unchanged
        skipped = s.skipped
        chunksWritten = s.chunksWritten
        documents = s.documents
        chunks = s.chunks
        seconds = (s.seconds * 1000).rounded() / 1000
        skippedFiles = s.skippedFiles
        skippedByReason = Dictionary(uniqueKeysWithValues: s.skipCounts.map { ($0.reason, $0.count) })
    }
}

/// `GET /api/corpus`: what the server answers from.
public struct CorpusSummary: Sendable, Codable, Equatable {
    /// The corpus folder's name (not its path: the page is public where the server is).
    public var name: String?
    public var documents: Int
    public var chunks: Int
    /// When an index run last committed; nil for an index never built.
    public var indexedAt: Date?
    /// Questions to suggest, made from the corpus' headings.
    public var examples: [String]

    public init(name: String?, documents: Int, chunks: Int, indexedAt: Date?, examples: [String]) {
        self.name = name
        self.documents = documents
        self.chunks = chunks
        self.indexedAt = indexedAt
        self.examples = examples
    }
}
