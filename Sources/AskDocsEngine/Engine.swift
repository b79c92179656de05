// The one engine behind the CLI, the REPL and (later) the HTTP server: keeps the index current with its
// corpus, searches (FTS5 candidates → PassageRanker) and answers (→ AnswerComposer).

import AskDocsCore
import AskDocsEncoder
import AskDocsIndex
import AskDocsIngest
import Foundation

public enum EngineError: Error, CustomStringConvertible, Sendable {
    case corpusMissing(String)
    case corpusVanished(path: String, documents: Int)
    case emptyQuery

    public var description: String {
        switch self {
        case .corpusMissing(let path):
            return "no corpus folder at \(path); pass --corpus DIR (a folder of .md, .html or .txt files)"
        case .corpusVanished(let path, let documents):
            return "the corpus folder \(path) holds no documents now (unmounted, or emptied?), but the index holds "
                + "\(documents.counted("document")) from it; nothing was removed. If they really are gone, "
                + "run `askdocs index --allow-empty`"
        case .emptyQuery:
            return "the query is empty"
        }
    }
}

/// A search and everything that went into it (for `--explain` and `:why`).
public struct SearchOutcome: Sendable {
    public var query: AnalyzedQuery
    public var expression: String?
    public var statistics: CorpusStatistics
    public var passages: [RankedPassage]
    /// Names that take each other's place in parallel headings of the top passages' documents.
    public var alternatives: [String: Set<String>] = [:]
    /// The feedback terms the top passages added to the question, with their weights.
    public var expansion: [ExpansionTerm] = []
}

public final class Engine {
    /// The release, for `askdocs --version` and `/healthz`.
    public static let version = "0.9.0"
    public static let schemaVersion = Schema.version
    public let indexPath: String
    public private(set) var corpusPath: String?
    let index: SearchIndex
    public var rankingParameters = RankingParameters.default
    public var answerParameters = AnswerParameters.default
    public var feedbackParameters = FeedbackParameters.default
    /// How many FTS5 candidates are reranked at least.
    public var candidatePool = 100
    /// FTS5 scores every chunk that matches any term; past this many postings (the terms' summed chunk
    /// counts), the commonest terms stop generating candidates and only count in reranking.
    public var postingsBudget = 4_000
    /// A narrowed (AND) expression stands only if it finds at least this many candidates.
    static let narrowedMinimum = 20
    /// At most this many of the rarest concepts are required together when narrowing (0: never narrow).
    public var narrowedConcepts = 2
    /// Per document, the names its parallel headings make siblings; emptied when the index changes
    /// (another connection's commit moves `data_version`; this engine's own reindex empties it too).
    var siblingCache: [String: [String: Set<String>]] = [:]
    var siblingCacheVersion: Int64 = -1
    /// Slices of the index's vocabulary by first letter, for typo correction: each read on the first
    /// question that needs it and kept until the index changes.
    var vocabularyCache: (version: Int64, byLetter: [Character: Vocabulary]) = (-1, [:])
    /// Whether question words that no chunk holds are read as the closest indexed word.
    public var correctsTypos = true
    /// Tells misspellings from English words the corpus does not use.
    public var spellChecker = SpellChecker.english
    /// Whether questions are also compared with the chunks' vectors (when the index has them all and the
    /// model is installed) and the vector pass runs after indexing; false: words alone (`--no-vectors`).
    public var usesVectors = true
    /// How many of the chunks nearest the question join the lexical candidates.
    public var nearestCount = 50
    public var fusionWeights = FusionWeights.fitted
    /// Whether, with vectors, each concept of a question weighs by how much of its meaning it carries
    /// (ConceptSalience) as well as by idf.
    public var weighsConceptsByMeaning = true
    /// Whether concepts weigh by meaning only when the answer by idf would abstain (measured: weighing
    /// every question so doubles p50, Tests/QA/README.md).
    public var salienceOnlyOnAbstention = true
    /// Keeps each passage's fusion features in its `features` ("f.<name>"), for fitting the weights.
    public var keepsFusionFeatures = false
    /// The index's vectors in memory, with the generation (text and vector commits) they were read at;
    /// nil vectors: the index has none, or not for every chunk yet, or the model is missing.
    var vectorCache: (generation: String, vectors: ChunkVectors?)?
    /// The last few questions' vectors: a follow-up searches the previous question again (for its
    /// siblings), which should not cost a second pass through the encoder.
    /// (`floats`: as the encoder gave it, which ConceptSalience compares its variants with.)
    var recentQuestionVectors: [(text: String, vector: QuantizedVector, floats: [Float])] = []
    var recentSalience: [(key: String, weights: [Double])] = []

    /// Opens (creating if needed) the index at `indexPath` for the corpus at `corpusPath` (nil: the folder
    /// recorded in the index).
    public init(indexPath: String, corpusPath: String? = nil) throws {
        self.indexPath = indexPath
        let index = try SearchIndex(writableAt: indexPath)
        self.index = index
        self.corpusPath = try Self.reportingDamage(indexPath) { try corpusPath ?? index.meta("corpus_root") }
        applyOverrides(ProcessInfo.processInfo.environment["ASKDOCS_RANKING"] ?? "")
    }

    /// The sentence encoder, when vectors are in use and the model is installed.
    public var encoder: SentenceEncoder? { usesVectors ? ModelStore.sharedEncoder() : nil }

    /// Opens an existing index for queries only (the server's readers): no corpus checks, no writes.
    /// `immutable`: an index on a read-only folder or mount, which nothing can change while it is read.
    public init(readingAt indexPath: String, immutable: Bool = false) throws {
        self.indexPath = indexPath
        let index = try SearchIndex(readingAt: indexPath, immutable: immutable)
        self.index = index
        corpusPath = try Self.reportingDamage(indexPath) { try index.meta("corpus_root") }
        applyOverrides(ProcessInfo.processInfo.environment["ASKDOCS_RANKING"] ?? "")
    }

    /// Development knob for tuning experiments: `ASKDOCS_RANKING="coverage=0.2,window=0,pool=200"`.
    /// The shipped defaults are the values in RankingParameters and AnswerParameters.
    func applyOverrides(_ spec: String) {
        if let fusion = ProcessInfo.processInfo.environment["ASKDOCS_FUSION"].flatMap(FusionWeights.init(parsing:)) {
            fusionWeights = fusion
        }
        if let model = ProcessInfo.processInfo.environment["ASKDOCS_ABSTENTION"].flatMap(AbstentionModel.init(parsing:)) {
            answerParameters.abstention = model
        }
        for pair in spec.split(separator: ",") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let v = Double(kv[1]) else { continue }
            switch kv[0] {
            case "k1": rankingParameters.k1 = v
            case "history": rankingParameters.historyFactor = v
            case "b": rankingParameters.b = v
            case "title": rankingParameters.titleWeight = v
            case "heading": rankingParameters.headingWeight = v
            case "extra": rankingParameters.extraTermShare = v
            case "coverage": rankingParameters.coverageWeight = v
            case "window": rankingParameters.windowWeight = v
            case "headingCoverage": rankingParameters.headingCoverageWeight = v
            case "span": rankingParameters.window = Int(v)
            case "pool": candidatePool = Int(v)
            case "budget": postingsBudget = Int(v)
            case "narrow": narrowedConcepts = Int(v)
            case "fts": rankingParameters.indexScoreShare = v
            case "abstain": answerParameters.abstainBelow = v
            case "pivot": answerParameters.abstainConceptPivot = v
            case "prior": answerParameters.passageRankWeight = v
            case "second": answerParameters.secondSentenceShare = v
            case "continue": answerParameters.continueBelowCharacters = Int(v)
            case "code": answerParameters.codeOutsideHowToPenalty = v
            case "read": answerParameters.passagesToRead = Int(v)
            case "unknown": answerParameters.abstainOnUnknownWord = v != 0
            case "typos": correctsTypos = v != 0
            case "vectors": usesVectors = v != 0
            case "nearest": nearestCount = Int(v)
            case "salience": weighsConceptsByMeaning = v != 0
            case "salienceOnAbstention": salienceOnlyOnAbstention = v != 0
            case "unknownSalience": answerParameters.unknownWordSalience = v
            case "literal": rankingParameters.literalWeight = v
            case "fbDocs": feedbackParameters.documents = Int(v)
            case "fbTerms": feedbackParameters.terms = Int(v)
            case "fbWeight": feedbackParameters.weight = v
            default: break
            }
        }
    }

    public var schemaWasRebuilt: Bool { index.schemaWasRebuilt }

    /// SQLite notices a damaged page only when it reads it: a query or a reindex, long after opening.
    /// Wherever that happens, the error is the one opening gives, which names `askdocs index --full`.
    static func reportingDamage<T>(_ indexPath: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.isCorruption {
            throw IndexError.damaged(path: indexPath, detail: error.message)
        }
    }

    func reportingDamage<T>(_ body: () throws -> T) throws -> T { try Self.reportingDamage(indexPath, body) }

    /// Whether `error` says the index file is damaged (what `askdocs index --full` recovers from).
    public static func isDamagedIndex(_ error: Error) -> Bool {
        if case IndexError.damaged = error { return true }
        return false
    }

    /// What kind of failure `error` is, for a client that must not see file paths or SQL.
    public enum Failure: Equatable, Sendable {
        case damaged
        case busy
        /// The index file cannot be used now: a full disk, a read-only mount, an I/O error (in a few words).
        case unusable(String)
        /// Anything else: a bug, or a failure outside the index.
        case other
    }

    public static func failure(of error: Error) -> Failure {
        switch error {
        case IndexError.damaged, IndexError.schemaMismatch: return .damaged
        case IndexError.unopenable, IndexError.missing: return .unusable("cannot open the file")
        case let error as SQLiteError where error.isCorruption: return .damaged
        case let error as SQLiteError where error.isBusy: return .busy
        case let error as SQLiteError: return .unusable(error.kind)
        default: return .other
        }
    }

    /// Whether `error` says the index file cannot be opened for writing (a read-only file, folder or mount).
    public static func isUnwritableIndex(_ error: Error) -> Bool {
        if case IndexError.unopenable = error { return true }
        return false
    }

    /// Uses `path` as the corpus when the index records none (a new index).
    public func adoptCorpus(_ path: String) { corpusPath = path }

    // MARK: Indexing

    /// `filters` replaces the `--include`/`--exclude` globs the index remembers (nil keeps them).
    /// `baseURL` replaces the remembered base URL of pages that declare none ("" forgets it; nil keeps it).
    /// `waiting` is called once if another writer holds the index and this run waits for it.
    /// A corpus folder with no documents left while the index holds some is refused (an unmounted disk
    /// must not empty the index) unless `allowEmpty`.
    public func reindex(full: Bool = false, filters: IndexFilters? = nil, baseURL: String? = nil,
                        allowEmpty: Bool = false,
                        progress: Indexer.Progress? = nil, waiting: (() -> Void)? = nil) throws -> IndexSummary {
        guard let corpusPath else { throw EngineError.corpusMissing("(none recorded in the index)") }
        siblingCache.removeAll()
        return try reportingDamage {
            try Indexer.run(corpus: corpusPath, index: index, full: full, filters: filters, baseURL: baseURL,
                            allowEmpty: allowEmpty, progress: progress, waiting: waiting)
        }
    }

    /// Embeds every chunk that has no vector yet (all of them after a model change); nil when vectors are
    /// off or the model is not installed.
    public func embedVectors(batchSize: Int = VectorPass.batchSize, progress: VectorPass.Progress? = nil,
                             shouldStop: () -> Bool = { false }) throws -> VectorPassSummary? {
        guard let encoder else { return nil }
        return try reportingDamage {
            try VectorPass.run(index: index, encoder: encoder, modelName: ModelSpec.miniLM.name,
                               batchSize: batchSize, progress: progress, shouldStop: shouldStop)
        }
    }

    /// (chunks with a vector, chunks without one yet).
    public func vectorCounts() throws -> (embedded: Int, missing: Int) { try reportingDamage { try index.vectorCounts() } }

    /// The index's vectors when every chunk has one of the installed model's; read once per generation.
    func readyVectors() throws -> ChunkVectors? {
        guard usesVectors else { return nil }
        let generation = try index.meta("indexed_at").map { $0 + "|" + ((try index.meta("vectors_at")) ?? "") } ?? ""
        if let cached = vectorCache, cached.generation == generation { return cached.vectors }
        // Another engine of this process (the server's readers) may have read them at this generation.
        if let shared = Self.sharedVectors.withLock({ $0[indexPath] }), shared.generation == generation {
            vectorCache = shared
            return shared.vectors
        }
        var ready: ChunkVectors?
        if let model = try index.vectorModel(), model.name == ModelSpec.miniLM.name,
           try index.vectorCounts().missing == 0, let encoder, encoder.dimension == model.dimension,
           let stored = try index.allVectors(), stored.count > 0 {
            ready = stored
        }
        vectorCache = (generation, ready)
        Self.sharedVectors.withLock { $0[indexPath] = (generation, ready) }
        return ready
    }

    /// The vectors last read from each index file, shared by the engines of this process: one copy in
    /// memory however many readers the server keeps.
    static let sharedVectors = LockedValue<[String: (generation: String, vectors: ChunkVectors?)]>([:])

    /// Whether the corpus has files the index has not seen (new, changed, removed); nil if the index has
    /// no corpus to compare with.
    public func staleness() throws -> IndexPlan? {
        guard let corpusPath else { return nil }
        return try reportingDamage { try Indexer.plan(corpus: corpusPath, index: index, full: false) }
    }

    public func counts() throws -> (documents: Int, chunks: Int) { try reportingDamage { try index.counts() } }

    /// What the index holds, for a client to show: counts, when it was last indexed, the corpus folder's
    /// name, and example questions from its headings.
    public func corpusSummary(examples: Int = 4) throws -> CorpusSummary {
        try reportingDamage {
            let (documents, chunks) = try index.counts()
            let indexedAt = try index.meta("indexed_at").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
            return CorpusSummary(name: corpusPath.map { ($0 as NSString).lastPathComponent }, documents: documents,
                                 chunks: chunks, indexedAt: indexedAt,
                                 examples: ExampleQuestions.pick(from: try index.sampleHeadings(limit: 400), count: examples))
        }
    }

    /// Changes whenever an index run commits (from this process or another): cached answers keyed on it
    /// are never stale.
    public func indexGeneration() throws -> String {
        try reportingDamage { try (index.meta("indexed_at") ?? "") + "|" + (index.meta("vectors_at") ?? "") }
    }

    /// SQLite's and FTS5's consistency checks; nil when both pass. Damage bad enough to stop the check
    /// itself is a problem found, not an error.
    public func integrityProblems() throws -> String? {
        do {
            return try index.integrityProblems()
        } catch let error as SQLiteError where error.isCorruption {
            return error.message
        }
    }

    /// SQLite's quick check alone, which a read-only engine can run; nil when it passes.
    public func quickCheckProblems() -> String? {
        do {
            return try index.quickCheckProblems()
        } catch {
            return "\(error)"
        }
    }

    // MARK: Querying

    public func search(_ text: String, limit: Int = 10) throws -> SearchOutcome {
        let query = QueryAnalyzer.analyze(text)
        return try search(query, limit: limit)
    }

    /// `weighingByMeaning`: weigh every concept by its share of the meaning (ConceptSalience), as an answer
    /// about to abstain is searched again; otherwise only a question with a word no chunk holds is.
    public func search(_ query: AnalyzedQuery, limit: Int, weighingByMeaning: Bool = false) throws -> SearchOutcome {
        try reportingDamage { try rankedSearch(query, limit: limit, weighingByMeaning: weighingByMeaning) }
    }

    func rankedSearch(_ query: AnalyzedQuery, limit: Int, weighingByMeaning: Bool) throws -> SearchOutcome {
        var query = query
        // The question's vector is computed while its words are searched, when nothing else in this
        // process is searching: the two share nothing, and a lone question leaves a core idle. Under load
        // (the server's readers) every core is already busy, and the hand-off only costs.
        let searching = Self.searchesInFlight.withLock { n -> Int in n += 1; return n }
        defer { Self.searchesInFlight.withLock { $0 -= 1 } }
        let pendingVector = searching == 1 ? try questionVectorInBackground(query.text) : nil
        var statistics = try index.statistics(for: Set(query.concepts.flatMap { $0.terms.flatMap(\.stems) }))
        try countWordsStemmedOtherwise(query, in: &statistics)
        query.englishWords = englishWords(of: query, statistics: statistics)
        if correctsTypos, query.corrections.isEmpty {
            let corrections = try typoCorrections(for: query, statistics: statistics)
            if !corrections.isEmpty {
                query = QueryAnalyzer.analyze(query.text, readingAs: corrections)
                statistics = try index.statistics(for: Set(query.concepts.flatMap { $0.terms.flatMap(\.stems) }))
                try countWordsStemmedOtherwise(query, in: &statistics)
                query.englishWords = englishWords(of: query, statistics: statistics)
            }
        }
        let beyond = FTSExpression.termsBeyondBudget(query, statistics: statistics, budget: postingsBudget)
        guard let expression = FTSExpression.render(query, skip: { beyond.contains($0.surface) }) else {
            return SearchOutcome(query: query, expression: nil, statistics: statistics, passages: [])
        }
        let pool = max(limit, candidatePool)
        let enough = max(limit, Self.narrowedMinimum)
        var candidates: [Candidate] = []
        var searched = expression
        for narrowed in FTSExpression.narrowed(query, statistics: statistics, budget: postingsBudget,
                                               maxConcepts: narrowedConcepts) {
            candidates = try index.candidates(matching: narrowed, limit: pool)
            searched = narrowed
            if candidates.count >= enough { break }
        }
        // Too few chunks hold the rarest concepts together: the OR expression, whatever it costs.
        if candidates.count < enough {
            candidates = try index.candidates(matching: expression, limit: pool)
            searched = expression
        }
        // Meaning: the chunks nearest the question join the candidates, whatever words they use.
        let dense = try nearest(to: query.text, pending: pendingVector)
        // How much of the meaning each word carries: when the answer by idf would abstain, and when a word
        // of the question is in no chunk (a missing name, or only the asker's way of putting it?).
        if dense != nil, weighsConceptsByMeaning, let encoder,
           !salienceOnlyOnAbstention || weighingByMeaning || query.concepts.contains(where: statistics.holdsNone) {
            query.salience = query.concepts.count > 1 ? salience(of: query, statistics: statistics, encoder: encoder) : [1]
        }
        if let dense {
            let have = Set(candidates.map(\.chunkID))
            candidates += try index.candidates(ids: dense.nearest.map(\.id).filter { !have.contains($0) })
        }
        var ranked = PassageRanker.rank(candidates, for: query, statistics: statistics, parameters: rankingParameters)
        // Feedback: the top passages' shared words, weighed by how rare they are in the whole corpus.
        let feedbackPool = RelevanceFeedback.expansionPool(from: ranked, query: query, parameters: feedbackParameters)
        var expansion: [ExpansionTerm] = []
        if !feedbackPool.isEmpty {
            let extra = try index.statistics(for: Set(feedbackPool.map(\.stem)))
            statistics.documentFrequency.merge(extra.documentFrequency) { old, _ in old }
            expansion = RelevanceFeedback.select(feedbackPool, statistics: statistics, parameters: feedbackParameters)
            ranked = RelevanceFeedback.rerank(ranked, expansion: expansion, statistics: statistics,
                                              parameters: feedbackParameters, ranking: rankingParameters)
        }
        let alternatives = try alternatives(for: ranked)
        ranked = PassageRanker.preferAskedNames(ranked, query: query, alternatives: alternatives)
        ranked = PassageRanker.preferCurrentDocs(ranked, query: query, factor: rankingParameters.historyFactor)
        if let dense {
            var similarity: [Int64: Double] = [:]
            for passage in ranked {
                let id = passage.candidate.chunkID
                similarity[id] = dense.vectors.similarity(dense.question, to: id).map(Double.init)
            }
            ranked = HybridRanker.fuse(ranked, similarity: similarity, nearest: dense.nearest.map(\.id),
                                       weights: fusionWeights, keepFeatures: keepsFusionFeatures)
        }
        return SearchOutcome(query: query, expression: searched, statistics: statistics,
                             passages: Array(ranked.prefix(max(limit, 0))), alternatives: alternatives,
                             expansion: expansion)
    }

    /// Each concept's share of the question's meaning: the question and its variants without each concept,
    /// embedded in one batch (kept for the last few questions: a follow-up searches its question again).
    func salience(of query: AnalyzedQuery, statistics: CorpusStatistics, encoder: SentenceEncoder) -> [Double] {
        let key = "\(statistics.chunkCount)\u{1F}" + (query.correctedText ?? query.text) + "\u{1F}"
            + query.concepts.map(\.label).joined(separator: "\u{1F}")
        if let known = recentSalience.first(where: { $0.key == key }) { return known.weights }
        let variants = ConceptSalience.variants(of: query)
        let text = query.correctedText ?? query.text
        // The question's own vector is usually the one the nearest-chunk scan just computed.
        let known = recentQuestionVectors.first { $0.text == text }?.floats
        let vectors = encoder.embed((known == nil ? [text] : []) + variants.compactMap { $0 })
        let question = known ?? vectors[0]
        var next = known == nil ? 1 : 0
        let variantVectors = variants.map { v -> [Float]? in
            guard v != nil, next < vectors.count else { return nil }
            defer { next += 1 }
            return vectors[next]
        }
        // Telling: in fewer than half the chunks (BM25's idf above its floor), or in none, and not a name
        // the asker made up (`sales_2024.csv`), however much the model leans on it.
        let telling = query.concepts.map { statistics.tellsChunksApart($0) && !query.askersOwnNames.contains($0.label) }
        let weights = ConceptSalience.weights(question: question, variants: variantVectors, telling: telling)
        recentSalience = [(key, weights)] + recentSalience.prefix(7)
        return weights
    }

    static let searchesInFlight = LockedValue(0)

    /// The question's vector, being computed on another thread; nil when `nearest` will not need one
    /// (no vectors, or the vector of this text is at hand).
    func questionVectorInBackground(_ text: String) throws -> PendingVector? {
        guard nearestCount > 0, !recentQuestionVectors.contains(where: { $0.text == text }),
              try readyVectors() != nil, let encoder else { return nil }
        let pending = PendingVector()
        DispatchQueue.global(qos: .userInitiated).async {
            pending.finish(encoder.embed([text]).first)
        }
        return pending
    }

    /// The question's vector and the chunks nearest it; nil when the index is not fully embedded.
    /// `pending`: the vector of `text`, already being computed.
    func nearest(to text: String, pending: PendingVector? = nil) throws -> (question: QuantizedVector, vectors: ChunkVectors,
                                                                            nearest: [(id: Int64, similarity: Float)])? {
        guard nearestCount > 0, let vectors = try readyVectors(), let encoder else { return nil }
        let question: QuantizedVector
        if let known = recentQuestionVectors.first(where: { $0.text == text }) {
            question = known.vector
        } else {
            guard let vector = pending.map({ $0.wait() }) ?? encoder.embed([text]).first else { return nil }
            question = QuantizedVector(vector)
            recentQuestionVectors = [(text, question, vector)] + recentQuestionVectors.prefix(7)
        }
        return (question, vectors, vectors.nearest(to: question, k: nearestCount))
    }

    /// Answers `question`; with `history` (earlier turns, oldest first), a follow-up such as "and Django?"
    /// is first read as the question it stands for (`Answer.question` keeps what was asked, the search
    /// outcome's query shows what was searched).
    public func ask(_ question: String, history: [ConversationTurn] = []) throws -> (answer: Answer, search: SearchOutcome) {
        let searched = try standalone(question, history: history)
        let first = try answer(question, searching: searched, weighingByMeaning: false)
        // About to say "I couldn't find that": weigh the question's words by the meaning they carry and
        // look again (a question worded unlike the docs has rare words that say little).
        guard first.answer.abstained, first.search.query.salience == nil, weighsConceptsByMeaning,
              salienceOnlyOnAbstention, encoder != nil else { return first }
        return try answer(question, searching: searched, weighingByMeaning: true)
    }

    func answer(_ question: String, searching searched: String,
                weighingByMeaning: Bool) throws -> (answer: Answer, search: SearchOutcome) {
        // Twenty passages: a comparison may need the entries of both names compared.
        let outcome = try search(QueryAnalyzer.analyze(searched), limit: max(answerParameters.passagesToRead, 20),
                                 weighingByMeaning: weighingByMeaning)
        // The chunk after each passage read: where the example a sentence announces ("…like this:") is.
        var following: [Int64: Candidate] = [:]
        try reportingDamage {
            for passage in outcome.passages.prefix(answerParameters.passagesToRead) {
                following[passage.candidate.chunkID] = try index.nextChunk(inSectionAfter: passage.candidate.chunkID)
            }
        }
        let answer = AnswerComposer.compose(question: question, query: outcome.query, passages: outcome.passages,
                                            statistics: outcome.statistics,
                                            alternatives: outcome.alternatives,
                                            absentIdentifiers: try absentIdentifiers(in: outcome.query.text),
                                            followingChunks: following,
                                            parameters: answerParameters)
        return (answer, outcome)
    }

    /// What a question stands for once its conversation is read: a follow-up ("and Django?") becomes a
    /// question of its own; any other question is returned as asked.
    public func standalone(_ question: String, history: [ConversationTurn]) throws -> String {
        // The previous question's documents say which names are siblings ("Django" for "Flask").
        try FollowUpResolver.resolve(question, earlier: history.map(\.question)) { previous in
            try search(previous, limit: answerParameters.passagesToRead).alternatives
        }
    }

    /// The identifiers and names the question writes that no chunk holds as a run of words
    /// (`pool_maxsize` of another library's API asked of the standard library's docs, "Entity Framework
    /// Core" or "better-sqlite3" asked of SQLite's), as the question's words. A hyphenated word counts as
    /// a name only when the dictionary rejects its last part, the head of the compound: "read-only" and
    /// "zero-downtime" are English however the corpus writes them, "Postgres-style" is a style, and
    /// "non-async" is not async. Names of the asker's own code (`QueryAnalyzer.isAskersOwnName`) never count.
    public func absentIdentifiers(in question: String) throws -> [String] {
        try reportingDamage {
            // The index first: most hyphenated words are in it ("built-in"), and the dictionary costs ~50 ms
            // to load, more than a whole cold `askdocs ask`. The asker's own code (`load_vendor_rows()`,
            // "our payments-api repo") is in no documentation, and its absence says nothing.
            let ownNames = QueryAnalyzer.askersOwnNames(in: question)
            let hyphenatedNames = try QueryAnalyzer.hyphenatedWords(in: question).filter { words in
                if ownNames.contains(words.joined(separator: "-")) { return false }
                return try !index.containsPhrase(words) && spellChecker.accepts(words[words.count - 1]) == false
            }
            let identifiers = try QueryAnalyzer.identifiers(in: question).filter { words in
                if ownNames.contains(words.joined(separator: "_")) { return false }
                return try !index.containsPhrase(words)
            }
            let names = try QueryAnalyzer.namePhrases(in: question).filter { try !index.containsPhrase($0) }
            return identifiers.map { $0.joined(separator: "_") } + names.map { $0.joined(separator: " ") }
                + hyphenatedNames.map { $0.joined(separator: "-") }
        }
    }

    /// The length that sets how far a correction may reach: the stem's, since stems are what is compared
    /// ("cocitation" is 10 letters but its stem "cocit" is 5, and "cost" is not a correction of it).
    static func correctedLength(_ concept: QueryConcept) -> Int {
        min(concept.label.count, concept.terms.first?.stems.first?.count ?? 0)
    }

    /// A single-word term whose stem no indexed term spells may still be in the corpus: Snowball's Porter
    /// and FTS5's disagree on a few words ("technology"). Such a word is counted by FTS5 itself, so that
    /// it is neither taken for a typo nor for a name the corpus never says.
    func countWordsStemmedOtherwise(_ query: AnalyzedQuery, in statistics: inout CorpusStatistics) throws {
        for concept in query.concepts {
            for term in concept.terms where term.stems.count == 1 && statistics.documentFrequency[term.stems[0], default: 0] == 0 {
                let count = try index.chunkCount(matchingWord: term.surface)
                if count > 0 { statistics.documentFrequency[term.stems[0]] = count }
            }
        }
    }

    /// Of the question's words that no chunk holds, those the dictionary accepts (nil without one): the
    /// only words whose spelling matters, and a handful per question at most.
    func englishWords(of query: AnalyzedQuery, statistics: CorpusStatistics) -> Set<String>? {
        guard spellChecker.dictionary != nil else { return nil }
        let absent = query.concepts.filter(statistics.holdsNone).map(\.label)
        return spellChecker.englishWords(among: absent)
    }

    /// The corrections for each correctable word of the question that no chunk holds: the closest word
    /// the index has, as the corpus writes it. A correctly spelled English word ("heard", "formatter") is
    /// not a typo, however close an indexed word is ("head", "formatted"): only a misspelling is corrected.
    func typoCorrections(for query: AnalyzedQuery, statistics: CorpusStatistics) throws -> [Correction] {
        let unknown = query.concepts.filter { concept in
            TypoCorrector.allowedEdits(forLength: Self.correctedLength(concept)) > 0
                && TypoCorrector.isCorrectable(concept.label, in: query.text)
                && query.englishWords?.contains(concept.label) != true
                && statistics.holdsNone(of: concept)
        }
        guard !unknown.isEmpty else { return [] }
        let version = try index.dataVersion()
        if vocabularyCache.version != version { vocabularyCache = (version, [:]) }
        var out: [Correction] = []
        for concept in unknown {
            guard let stem = concept.terms.first?.stems.first, let letter = stem.first else { continue }
            let vocabulary: Vocabulary
            if let cached = vocabularyCache.byLetter[letter] {
                vocabulary = cached
            } else {
                vocabulary = try index.vocabulary(startingWith: letter)
                vocabularyCache.byLetter[letter] = vocabulary
            }
            guard let term = TypoCorrector.closest(to: stem, edits: TypoCorrector.allowedEdits(forLength: Self.correctedLength(concept)),
                                                   in: vocabulary),
                  let surface = try index.surfaceForm(ofTerm: term) else { continue }
            // A word the question writes as a name ("Is Bottle faster than Flask?") is likelier another
            // product the corpus does not know than a misspelling of a common word ("battle"): it is
            // corrected only to a word some title or heading holds, a subject of the corpus ("Djnago" →
            // "Django"), else left unknown, for abstention. The asker's own names (`LedgerSync`) are theirs,
            // not misspellings of the corpus' words.
            if query.askersOwnNames.contains(concept.label) { continue }
            if AnswerComposer.isWrittenAsName(concept.label, in: query.text) {
                let counts = try index.statistics(for: [term])
                guard counts.titleFrequency[term, default: 0] + counts.headingFrequency[term, default: 0] > 0 else { continue }
            }
            out.append(Correction(word: concept.label, readAs: surface))
        }
        return out
    }

    /// Names that take each other's place in parallel headings of the documents being read. Each
    /// document's are computed once and kept until the index changes.
    func alternatives(for passages: [RankedPassage]) throws -> [String: Set<String>] {
        let version = try index.dataVersion()
        if version != siblingCacheVersion {
            siblingCache.removeAll()
            siblingCacheVersion = version
        }
        var seen = Set<String>()
        var out: [String: Set<String>] = [:]
        for passage in passages.prefix(answerParameters.passagesToRead)
        where seen.insert(passage.candidate.source).inserted {
            let source = passage.candidate.source
            let own: [String: Set<String>]
            if let cached = siblingCache[source] {
                own = cached
            } else {
                own = SiblingHeadings.alternatives(
                    inDocumentHeadings: [try index.headings(ofDocumentWithChunk: passage.candidate.chunkID)])
                if siblingCache.count > 10_000 { siblingCache.removeAll() }
                siblingCache[source] = own
            }
            out.merge(own) { $0.union($1) }
        }
        return out
    }
}

/// A vector computed on another thread, waited for where it is needed.
final class PendingVector: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let value = LockedValue<[Float]?>(nil)

    func finish(_ vector: [Float]?) {
        value.withLock { $0 = vector }
        done.signal()
    }

    func wait() -> [Float]? {
        done.wait()
        done.signal()  // a second wait returns at once
        return value.withLock { $0 }
    }
}
