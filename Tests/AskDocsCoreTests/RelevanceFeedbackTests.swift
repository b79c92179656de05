// Pseudo-relevance feedback on hand-made passages: which words it takes from the top passages, and how it
// moves a passage that says the same thing in other words.

import Testing
@testable import AskDocsCore

@Suite struct RelevanceFeedbackTests {
    static func passage(_ id: Int64, _ text: String, score: Double) -> RankedPassage {
        RankedPassage(candidate: Candidate(chunkID: id, source: "d\(id).md", title: "", headingPath: [], anchor: nil,
                                           kind: .prose, text: text, indexScore: 1),
                      score: score, features: [:], matchedConcepts: [])
    }

    static let ranked = [
        passage(1, "Heat transfer in the boundary layer of a cone at supersonic speed.", score: 2.0),
        passage(2, "The boundary layer heat transfer of a blunt cone was measured in a shock tunnel.", score: 1.8),
        passage(3, "Heat transfer rates to a cone; the boundary layer was laminar.", score: 1.6),
        // Says what the question means without its words: only feedback can bring it forward.
        passage(4, "Laminar boundary layer measurements on blunt bodies in a shock tunnel.", score: 1.0),
        passage(5, "Heat of the sun on a painted wall.", score: 1.1),
    ]

    static let statistics = CorpusStatistics(chunkCount: 1000, averageChunkTokens: 12, documentFrequency: [
        "boundari": 40, "layer": 40, "laminar": 30, "blunt": 20, "shock": 50, "tunnel": 60, "cone": 25,
        "measur": 200, "supersonic": 35, "speed": 150, "rate": 300, "sun": 5, "paint": 5, "wall": 80,
    ])

    @Test func takesWordsSeveralTopPassagesShareButNotTheQuestionsOwn() {
        let q = QueryAnalyzer.analyze("heat transfer to a cone")
        let pool = RelevanceFeedback.expansionPool(from: Self.ranked, query: q)
        let stems = Set(pool.map(\.stem))
        #expect(stems.contains("boundari"))
        #expect(stems.contains("layer"))
        #expect(!stems.contains("heat"), "the question's own words are not feedback")
        #expect(!stems.contains("cone"))
        #expect(!stems.contains("the"), "stop words are never feedback")
        // In one passage only (of five): one passage's pet word is noise.
        #expect(!stems.contains("sun"))
        #expect(!stems.contains("supersonic"))
        let kept = RelevanceFeedback.select(pool, statistics: Self.statistics)
        #expect(abs(kept.reduce(0) { $0 + $1.weight } - 1) < 1e-9)
    }

    @Test func bringsForwardAPassageInOtherWords() {
        let q = QueryAnalyzer.analyze("heat transfer to a cone")
        let pool = RelevanceFeedback.expansionPool(from: Self.ranked, query: q)
        let expansion = RelevanceFeedback.select(pool, statistics: Self.statistics)
        let reranked = RelevanceFeedback.rerank(Self.ranked, expansion: expansion, statistics: Self.statistics)
        let order = reranked.map(\.candidate.chunkID)
        // Before: 1 2 3 5 4. The boundary-layer passage passes the one about the sun's heat.
        #expect(order.firstIndex(of: 4)! < order.firstIndex(of: 5)!)
        #expect(reranked.first { $0.candidate.chunkID == 4 }!.features["feedback"]! > 0)
        #expect(reranked.first { $0.candidate.chunkID == 5 }!.features["feedback"] == 0)
    }

    @Test func offOrTooFewPassagesChangesNothing() {
        let q = QueryAnalyzer.analyze("heat transfer to a cone")
        var off = FeedbackParameters.default
        off.documents = 0
        #expect(RelevanceFeedback.expansionPool(from: Self.ranked, query: q, parameters: off).isEmpty)
        #expect(RelevanceFeedback.expansionPool(from: Array(Self.ranked.prefix(1)), query: q).isEmpty)
        #expect(RelevanceFeedback.rerank(Self.ranked, expansion: [], statistics: Self.statistics) == Self.ranked)
    }
}
