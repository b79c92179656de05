// `askdocs eval`: retrieval quality on a BEIR-style folder (corpus-md/ or corpus.jsonl, queries.jsonl,
// qrels.tsv), scored with trec_eval's definitions, and answer quality on a QA set in the format of
// ../shared/qa/seed-dev.jsonl. Both index the corpus first (a temporary index unless one is given).

import AskDocsCore
import Foundation

public enum Evaluation {
    // MARK: Retrieval

    public struct RetrievalReport: Sendable {
        public var result: RetrievalMetrics.Result
        /// TREC run lines, "qid Q0 docid rank score askdocs".
        public var run: [String]
        public var queriesRun: Int
        public var seconds: Double
    }

    public static func retrieval(collection: String, indexPath: String? = nil, limit: Int = 1000,
                                 vectors: Bool = true) throws -> RetrievalReport {
        let scratch = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let corpus = try corpusFolder(of: collection, scratch: scratch)
        let engine = try indexedEngine(indexPath: indexPath ?? scratch + "/index.sqlite", corpus: corpus, vectors: vectors)

        let queries = try jsonLines(collection + "/queries.jsonl").map { object -> (String, String) in
            guard let id = stringValue(object["_id"]), let text = object["text"] as? String else {
                throw EvalFormatError("queries.jsonl: every line needs \"_id\" and \"text\"")
            }
            return (id, text)
        }
        let qrels = try RetrievalMetrics.parseQrels(String(contentsOfFile: collection + "/qrels.tsv", encoding: .utf8))
        let start = Date()
        var run: [String: [String: Double]] = [:]
        var lines: [String] = []
        for (id, text) in queries {
            // A document ranks where its best passage ranks.
            var seen = Set<String>()
            var docs: [String: Double] = [:]
            for passage in try engine.search(text, limit: limit).passages {
                let doc = ((passage.candidate.source as NSString).lastPathComponent as NSString).deletingPathExtension
                guard seen.insert(doc).inserted else { continue }
                // Strictly decreasing scores, so that trec_eval's tie rule never reorders.
                let score = 1000 - Double(seen.count) * 1e-3
                docs[doc] = score
                lines.append("\(id) Q0 \(doc) \(seen.count) \(String(format: "%.6f", score)) askdocs")
            }
            run[id] = docs
        }
        return RetrievalReport(result: RetrievalMetrics.evaluate(qrels: qrels, run: run), run: lines,
                               queriesRun: queries.count, seconds: Date().timeIntervalSince(start))
    }

    /// corpus-md/ when present; otherwise corpus.jsonl written out as one Markdown file per document.
    static func corpusFolder(of collection: String, scratch: String) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: collection + "/corpus-md", isDirectory: &isDir), isDir.boolValue {
            return collection + "/corpus-md"
        }
        guard fm.fileExists(atPath: collection + "/corpus.jsonl") else {
            throw EvalFormatError("\(collection) has neither corpus-md/ nor corpus.jsonl")
        }
        let folder = scratch + "/corpus"
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for object in try jsonLines(collection + "/corpus.jsonl") {
            guard let id = stringValue(object["_id"]), !id.contains("/"), !id.hasPrefix(".") else {
                throw EvalFormatError("corpus.jsonl: a line without a usable \"_id\"")
            }
            let title = (object["title"] as? String) ?? ""
            let text = (object["text"] as? String) ?? ""
            try ((title.isEmpty ? "" : "# \(title)\n\n") + text + "\n")
                .write(toFile: "\(folder)/\(id).md", atomically: false, encoding: .utf8)
        }
        return folder
    }

    // MARK: Question answering

    public struct QAItem: Sendable {
        public var id: String
        public var question: String
        public var sources: [String]
        public var section: String
        public var mustContain: [String]
        public var unanswerable: Bool
        /// Earlier questions of the conversation, oldest first: the item's question is a follow-up to them.
        public var history: [String] = []
    }

    public struct QAOutcome: Sendable {
        public var item: QAItem
        public var answer: String
        public var abstained: Bool
        public var citedSections: [String]
        public var sourceRank: Int?
        /// Where the first answer-bearing passage ranks (1-based), nil when none is among the passages.
        public var answerChunkRank: Int?
        public var sectionInTop5: Bool
        public var correct: Bool
        public var citationCorrect: Bool
        /// What went wrong, in words; empty when right.
        public var problems: [String]
    }

    public struct QAReport: Sendable {
        public var outcomes: [QAOutcome]
        /// In-process time of each `ask`, in item order.
        public var latencies: [Duration] = []
        public func latency(percentile: Double) -> Duration {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return .zero }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * percentile).rounded(.up)) - 1)]
        }
        public var answerable: [QAOutcome] { outcomes.filter { !$0.item.unanswerable } }
        public var unanswerable: [QAOutcome] { outcomes.filter { $0.item.unanswerable } }
        func share(_ items: [QAOutcome], _ test: (QAOutcome) -> Bool) -> Double {
            items.isEmpty ? 0 : Double(items.filter(test).count) / Double(items.count)
        }
        public var hitAt1: Double { share(answerable) { $0.sourceRank == 1 } }
        public var hitAt5: Double { share(answerable) { ($0.sourceRank ?? 99) <= 5 } }
        public var chunkAt1: Double { share(answerable) { $0.answerChunkRank == 1 } }
        public var chunkAt5: Double { share(answerable) { ($0.answerChunkRank ?? 99) <= 5 } }
        public var sectionAt5: Double { share(answerable) { $0.sectionInTop5 } }
        public var answerAccuracy: Double { share(answerable) { $0.correct } }
        public var citationAccuracy: Double { share(answerable) { $0.citationCorrect } }
        public var abstentionAccuracy: Double { share(unanswerable) { $0.correct } }
        public var falseAbstentions: Double { share(answerable) { $0.abstained } }
    }

    public static let conciseCharacters = 500

    public static func loadQA(_ path: String) throws -> [QAItem] {
        try jsonLines(path).enumerated().map { n, o in
            guard let question = o["question"] as? String else {
                throw EvalFormatError("\(path):\(n + 1): no \"question\"")
            }
            let kind = o["kind"] as? String ?? ""
            let sources = o["sources"] as? [String] ?? []
            return QAItem(id: stringValue(o["id"]) ?? "\(n + 1)", question: question, sources: sources,
                          section: o["section"] as? String ?? "", mustContain: o["must_contain"] as? [String] ?? [],
                          unanswerable: kind == "unanswerable" || (sources.isEmpty && (o["must_contain"] as? [String] ?? []).isEmpty),
                          history: o["history"] as? [String] ?? [])
        }
    }

    /// Scores one answer against its item: what `askdocs eval qa` and `scripts/qa_check.py` count.
    public static func judge(_ item: QAItem, answer: Answer) -> QAOutcome {
        let sections = answer.citations.map(\.section)
        let passageSources = answer.passages.map(\.candidate.source)
        let sourceRank = passageSources.firstIndex { s in item.sources.contains { s == $0 || s.hasSuffix("/" + $0) } }
            .map { $0 + 1 }
        let sectionInTop5 = !item.section.isEmpty
            && answer.passages.prefix(5).contains { $0.candidate.sectionLabel.hasSuffix(item.section) }
        var problems: [String] = []
        let correct: Bool
        var citationCorrect = false
        if item.unanswerable {
            correct = answer.abstained && answer.citations.isEmpty
            if !correct { problems.append("answered a question the corpus cannot answer") }
        } else {
            let lower = answer.text.lowercased()
            let missing = item.mustContain.filter { !lower.contains($0.lowercased()) }
            citationCorrect = !item.section.isEmpty && sections.contains { $0.hasSuffix(item.section) }
            if answer.abstained { problems.append("abstained") }
            if !missing.isEmpty && !answer.abstained { problems.append("missing \(missing)") }
            if answer.text.count > conciseCharacters { problems.append("too long (\(answer.text.count) characters)") }
            if !citationCorrect && !answer.abstained { problems.append("cited \(sections) instead of \(item.section)") }
            correct = problems.isEmpty
        }
        let answerChunkRank = answer.passages.firstIndex { isAnswerBearing($0.candidate, for: item) }.map { $0 + 1 }
        return QAOutcome(item: item, answer: answer.text, abstained: answer.abstained, citedSections: sections,
                         sourceRank: sourceRank, answerChunkRank: answerChunkRank, sectionInTop5: sectionInTop5, correct: correct,
                         citationCorrect: citationCorrect, problems: problems)
    }

    public static func qa(file: String, corpus: String, indexPath: String? = nil, vectors: Bool = true) throws -> QAReport {
        let items = try loadQA(file)
        let scratch = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let engine = try indexedEngine(indexPath: indexPath ?? scratch + "/index.sqlite", corpus: corpus, vectors: vectors)
        var outcomes: [QAOutcome] = []
        var latencies: [Duration] = []
        let clock = ContinuousClock()
        for item in items {
            let conversation = try converse(engine, item.history)
            let start = clock.now
            let answer = try engine.ask(item.question, history: conversation).answer
            latencies.append(clock.now - start)
            outcomes.append(judge(item, answer: answer))
        }
        return QAReport(outcomes: outcomes, latencies: latencies)
    }

    /// The turns a follow-up item stands on: each earlier question asked in order, with the answer it got,
    /// as a chat client sends them.
    static func converse(_ engine: Engine, _ questions: [String]) throws -> [ConversationTurn] {
        var turns: [ConversationTurn] = []
        for question in questions {
            let answer = try engine.ask(question, history: turns).answer
            turns.append(ConversationTurn(question: question, answer: answer.abstained ? "" : answer.text))
        }
        return turns
    }

    /// An engine over an index brought up to date with `corpus`, vectors included unless `vectors` is false
    /// (or no model is installed).
    static func indexedEngine(indexPath: String, corpus: String, vectors: Bool) throws -> Engine {
        let engine = try Engine(indexPath: indexPath, corpusPath: corpus)
        engine.usesVectors = vectors
        _ = try engine.reindex()
        _ = try engine.embedVectors()
        return engine
    }

    /// Whether a passage holds the item's answer: from the right page, and in the right section or
    /// saying one of the words the answer must contain.
    public static func isAnswerBearing(_ candidate: Candidate, for item: QAItem) -> Bool {
        guard item.sources.contains(where: { candidate.source == $0 || candidate.source.hasSuffix("/" + $0) }) else { return false }
        if !item.section.isEmpty && candidate.sectionLabel.hasSuffix(item.section) { return true }
        let text = candidate.text.lowercased()
        return item.mustContain.contains { text.contains($0.lowercased()) }
    }

    // MARK: Fusion training rows

    /// One JSON line per passage the fusion model ranks for each answerable question of a QA set:
    /// `{"set", "qid", "label", "f": [features in FusionFeatures.names order]}`, label 1 for answer-bearing
    /// passages. What scripts/fit_fusion.py fits the fusion weights on.
    public static func fusionRows(qa file: String, corpus: String, indexPath: String?, setName: String) throws -> [String] {
        let items = try loadQA(file).filter { !$0.unanswerable }
        let scratch = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let engine = try indexedEngine(indexPath: indexPath ?? scratch + "/index.sqlite", corpus: corpus, vectors: true)
        engine.keepsFusionFeatures = true
        var rows: [String] = []
        for item in items {
            let text = try engine.standalone(item.question, history: converse(engine, item.history))
            for passage in try engine.search(text, limit: engine.candidatePool + engine.nearestCount).passages {
                rows.append(fusionRow(set: setName, qid: item.id, label: isAnswerBearing(passage.candidate, for: item) ? 1 : 0,
                                      passage: passage))
            }
        }
        return rows
    }

    /// One JSON line per question of a QA set with what the answer-or-abstain model reads:
    /// `{"set", "qid", "label", "f": [AbstentionEvidence.names order]}`, label 1 for a question the corpus
    /// does not answer. Questions that stop before evidence is weighed (no passage at all) have no line.
    /// What scripts/fit_abstention.py fits on.
    public static func abstentionRows(qa file: String, corpus: String, indexPath: String?, setName: String) throws -> [String] {
        let items = try loadQA(file)
        let scratch = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let engine = try indexedEngine(indexPath: indexPath ?? scratch + "/index.sqlite", corpus: corpus, vectors: true)
        var rows: [String] = []
        for item in items {
            let answer = try engine.ask(item.question, history: converse(engine, item.history)).answer
            guard let evidence = answer.abstentionEvidence else { continue }
            let outcome = judge(item, answer: answer)
            let object: [String: Any] = ["set": setName, "qid": item.id, "label": item.unanswerable ? 1 : 0,
                                         "f": evidence.values, "answered_right": !item.unanswerable && outcome.correct,
                                         "question": item.question, "answer": answer.text]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            rows.append(String(decoding: data, as: UTF8.self))
        }
        return rows
    }

    /// The same for a BEIR-style collection: a passage's label is its document's judged relevance.
    public static func fusionRows(retrieval collection: String, indexPath: String?, setName: String,
                                  limit: Int = 200) throws -> [String] {
        let scratch = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let corpus = try corpusFolder(of: collection, scratch: scratch)
        let engine = try indexedEngine(indexPath: indexPath ?? scratch + "/index.sqlite", corpus: corpus, vectors: true)
        engine.keepsFusionFeatures = true
        let qrels = try RetrievalMetrics.parseQrels(String(contentsOfFile: collection + "/qrels.tsv", encoding: .utf8))
        var rows: [String] = []
        for object in try jsonLines(collection + "/queries.jsonl") {
            guard let id = stringValue(object["_id"]), let text = object["text"] as? String, let judged = qrels[id],
                  judged.values.contains(where: { $0 > 0 }) else { continue }
            for passage in try engine.search(text, limit: limit).passages {
                let doc = ((passage.candidate.source as NSString).lastPathComponent as NSString).deletingPathExtension
                rows.append(fusionRow(set: setName, qid: id, label: judged[doc, default: 0], passage: passage))
            }
        }
        return rows
    }

    static func fusionRow(set: String, qid: String, label: Int, passage: RankedPassage) -> String {
        let values = FusionFeatures.names.map { passage.features["f." + $0] ?? 0 }
        let object: [String: Any] = ["set": set, "qid": qid, "label": label, "f": values,
                                     "chunk": passage.candidate.chunkID]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Files

    /// A new empty folder for an evaluation's temporary index and corpus; the caller removes it.
    static func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("askdocs-eval-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).enumerated().compactMap { n, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw EvalFormatError("\(path):\(n + 1): not a JSON object")
            }
            return object
        }
    }

    static func stringValue(_ any: Any?) -> String? {
        if let s = any as? String { return s }
        if let n = any as? NSNumber { return n.stringValue }
        return nil
    }
}
