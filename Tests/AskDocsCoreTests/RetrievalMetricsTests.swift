// trec_eval's measures on hand-checked cases (the comparison with ../shared/benchmarks/evaluate.py on a
// random run is in AskDocsEngineTests).

import Foundation
import Testing
@testable import AskDocsCore

@Suite struct RetrievalMetricsTests {
    @Test func handComputedQuery() {
        // Relevant: a (grade 2), c (grade 1); retrieved b, a, c.
        let m = RetrievalMetrics.score(grades: ["a": 2, "c": 1, "z": 0], ranked: ["b", "a", "c"])
        let dcg = 2 / log2(3.0) + 1 / log2(4.0)
        let idcg = 2 / log2(2.0) + 1 / log2(3.0)
        #expect(abs(m["nDCG@10"]! - dcg / idcg) < 1e-12)
        #expect(abs(m["MAP"]! - (1.0 / 2 + 2.0 / 3) / 2) < 1e-12)
        #expect(m["P@10"] == 0.2)
        #expect(m["R@100"] == 1)
        #expect(m["MRR@10"] == 0.5)
    }

    @Test func tiesBreakByDocumentIdDescending() {
        #expect(RetrievalMetrics.ranked(["d1": 1, "d3": 1, "d2": 2]) == ["d2", "d3", "d1"])
    }

    @Test func judgedQueriesMissingFromTheRunScoreZeroAndUnjudgedAreIgnored() {
        let qrels = ["1": ["a": 1], "2": ["b": 1], "3": ["c": 0]]
        let result = RetrievalMetrics.evaluate(qrels: qrels, run: ["1": ["a": 5], "9": ["x": 1]])
        #expect(result.queries == 2)
        #expect(result.missing == ["2"])
        #expect(result.mean["MRR@10"] == 0.5)
    }

    @Test func parsesBothQrelsFormats() throws {
        let beir = try RetrievalMetrics.parseQrels("query-id\tcorpus-id\tscore\n1\t184\t3\n1\t29\t2\n")
        #expect(beir == ["1": ["184": 3, "29": 2]])
        let trec = try RetrievalMetrics.parseQrels("1 0 184 3\n2 0 7 1\n")
        #expect(trec == ["1": ["184": 3], "2": ["7": 1]])
        #expect(throws: EvalFormatError.self) { try RetrievalMetrics.parseQrels("1 2 3 4 5\n") }
    }
}
