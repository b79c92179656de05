// Retrieval measures exactly as trec_eval 9 computes them (and ../shared/benchmarks/evaluate.py, which a test
// compares against): nDCG@10, MAP (top 1000), P@10, R@100, MRR@10, averaged over judged queries with at
// least one relevant document; judged queries absent from the run score 0.

import Foundation

public enum RetrievalMetrics {
    public static let measures = ["nDCG@10", "MAP", "P@10", "R@100", "MRR@10"]
    public static let depth = 1000

    public struct Result: Sendable, Equatable {
        public var mean: [String: Double]
        public var perQuery: [String: [String: Double]]
        /// Judged queries with a relevant document (the mean's denominator).
        public var queries: Int
        /// Of those, how many the run has nothing for.
        public var missing: [String]
    }

    /// Documents by score, highest first; ties by document id in reverse string order, as trec_eval.
    public static func ranked(_ docs: [String: Double]) -> [String] {
        Array(docs.sorted { a, b in a.value != b.value ? a.value > b.value : utf8Greater(a.key, b.key) }
                  .prefix(depth).map(\.key))
    }

    /// Python's string order (by code point), which trec_eval's strcmp matches for ASCII ids.
    static func utf8Greater(_ a: String, _ b: String) -> Bool {
        b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars)
    }

    public static func score(grades: [String: Int], ranked docs: [String]) -> [String: Double] {
        let relevant = Set(grades.filter { $0.value >= 1 }.keys)
        let nrel = Double(relevant.count)
        var dcg = 0.0
        for (i, d) in docs.prefix(10).enumerated() { dcg += Double(max(grades[d] ?? 0, 0)) / log2(Double(i + 2)) }
        let ideal = grades.values.filter { $0 > 0 }.sorted(by: >).prefix(10)
        var idcg = 0.0
        for (i, g) in ideal.enumerated() { idcg += Double(g) / log2(Double(i + 2)) }
        var hits = 0.0, ap = 0.0, rr = 0.0
        for (i, d) in docs.enumerated() where relevant.contains(d) {
            hits += 1
            ap += hits / Double(i + 1)
            if rr == 0, i < 10 { rr = 1 / Double(i + 1) }
        }
        return [
            "nDCG@10": idcg > 0 ? dcg / idcg : 0,
            "MAP": ap / nrel,
            "P@10": Double(docs.prefix(10).filter(relevant.contains).count) / 10,
            "R@100": Double(docs.prefix(100).filter(relevant.contains).count) / nrel,
            "MRR@10": rr,
        ]
    }

    public static func evaluate(qrels: [String: [String: Int]], run: [String: [String: Double]]) -> Result {
        var perQuery: [String: [String: Double]] = [:]
        var missing: [String] = []
        for (q, grades) in qrels where grades.values.contains(where: { $0 >= 1 }) {
            if run[q] == nil { missing.append(q) }
            perQuery[q] = score(grades: grades, ranked: ranked(run[q] ?? [:]))
        }
        let n = perQuery.count
        var mean: [String: Double] = [:]
        for m in measures {
            mean[m] = n > 0 ? perQuery.values.map { $0[m] ?? 0 }.reduce(0, +) / Double(n) : 0
        }
        return Result(mean: mean, perQuery: perQuery, queries: n, missing: missing.sorted())
    }

    /// BEIR TSV ("query-id corpus-id score", header optional) or TREC qrels ("qid iter docid rel").
    public static func parseQrels(_ text: String) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !parts.isEmpty else { continue }
            let (q, d, s): (String, String, String)
            switch parts.count {
            case 3: (q, d, s) = (parts[0], parts[1], parts[2])
            case 4: (q, d, s) = (parts[0], parts[2], parts[3])
            default: throw EvalFormatError("qrels line \(n + 1): expected 3 or 4 columns")
            }
            guard let grade = Double(s) else {
                if n == 0 { continue }  // header
                throw EvalFormatError("qrels line \(n + 1): \(s) is not a grade")
            }
            out[q, default: [:]][d] = Int(grade)
        }
        return out
    }
}

public struct EvalFormatError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
