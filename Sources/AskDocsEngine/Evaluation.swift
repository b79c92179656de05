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

    public static func retrieval(collection: String, indexPath: String? = nil, limit: Int = 1000) throws -> RetrievalReport {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("askdocs-eval-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: scratch) }
        let corpus = try corpusFolder(of: collection, scratch: scratch)
        let engine = try Engine(indexPath: indexPath ?? scratch + "/index.sqlite", corpusPath: corpus)
        _ = try engine.reindex()

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
    }

    public struct QAOutcome: Sendable {
        public var item: QAItem
        public var answer: String
        public var abstained: Bool
        public var citedSections: [String]
        public var sourceRank: Int?
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
                          unanswerable: kind == "unanswerable" || (sources.isEmpty && (o["must_contain"] as? [String] ?? []).isEmpty))
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
        return QAOutcome(item: item, answer: answer.text, abstained: answer.abstained, citedSections: sections,
                         sourceRank: sourceRank, sectionInTop5: sectionInTop5, correct: correct,
                         citationCorrect: citationCorrect, problems: problems)
    }

    public static func qa(file: String, corpus: String, indexPath: String? = nil) throws -> QAReport {
        let items = try loadQA(file)
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("askdocs-eval-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: scratch) }
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let engine = try Engine(indexPath: indexPath ?? scratch + "/index.sqlite", corpusPath: corpus)
        _ = try engine.reindex()
        var outcomes: [QAOutcome] = []
        var latencies: [Duration] = []
        let clock = ContinuousClock()
        for item in items {
            let start = clock.now
            let answer = try engine.ask(item.question).answer
            latencies.append(clock.now - start)
            outcomes.append(judge(item, answer: answer))
        }
        return QAReport(outcomes: outcomes, latencies: latencies)
    }

    // MARK: Files

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
