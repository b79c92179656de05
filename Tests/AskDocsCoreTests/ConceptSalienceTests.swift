// Concept salience: the question without each concept's words, and weights from how far each removal
// moves the question's vector; and coverage weighing concepts by them.

import Testing
@testable import AskDocsCore

@Suite struct ConceptSalienceTests {
    @Test func eachVariantLeavesOutOneConceptEverywhereItIsWritten() {
        let q = QueryAnalyzer.analyze("delay vs apply_async, what's the actual difference between delay and apply_async?")
        let variants = ConceptSalience.variants(of: q)
        #expect(variants.count == q.concepts.count)
        let byLabel = Dictionary(uniqueKeysWithValues: zip(q.concepts.map(\.label), variants))
        #expect(byLabel["delay"]! == "vs apply_async, what's the actual difference between and apply_async?")
        // An identifier is its run of words: both of its occurrences go, nothing else.
        #expect(byLabel["apply_async"]! == "delay vs , what's the actual difference between delay and ?")
        #expect(byLabel["actual"]! == "delay vs apply_async, what's the difference between delay and apply_async?")
    }

    @Test func aConceptNotWrittenInTheQuestionHasNoVariant() {
        var q = QueryAnalyzer.analyze("how do i configure logging")
        q.concepts.append(QueryConcept(label: "handler", count: 1, terms: []))
        let variants = ConceptSalience.variants(of: q)
        #expect(variants.last! == nil)
        #expect(variants.dropLast().allSatisfy { $0 != nil })
    }

    @Test func theConceptWhoseRemovalMovesTheVectorMostWeighsOne() {
        let question: [Float] = [1, 0, 0]
        let variants: [[Float]?] = [
            [0.6, 0.8, 0],      // cosine 0.6: moved 0.4
            [0.99, 0.141, 0],   // cosine 0.99: moved 0.01
            nil,                // not found in the text: full weight
            [1, 0, 0],          // unmoved
        ]
        let w = ConceptSalience.weights(question: question, variants: variants)
        #expect(w[0] == 1)
        #expect(abs(w[1] - 0.025) < 1e-6)
        #expect(w[2] == 1)
        #expect(w[3] == 0)
        // Nothing moved at all (one concept, or the model is indifferent): every concept keeps its idf.
        #expect(ConceptSalience.weights(question: question, variants: [[1, 0, 0], [1, 0, 0]]) == [1, 1])
    }

    @Test func theCorpusOwnSubjectDoesNotSetTheScale() {
        // "celery" asked of Celery's docs moves the question most, but is in every chunk: the others are
        // measured against the telling concept that moves it most, and it is capped at 1.
        let question: [Float] = [1, 0, 0]
        let variants: [[Float]?] = [[0.6, 0.8, 0], [0.9, 0.43589, 0], [0.95, 0.31225, 0]]
        let w = ConceptSalience.weights(question: question, variants: variants, telling: [false, true, true])
        #expect(w[0] == 1)
        #expect(w[1] == 1)
        #expect(abs(w[2] - 0.5) < 1e-4)
        // No telling concept moved it: the scale is all of them.
        let none = ConceptSalience.weights(question: question, variants: variants, telling: [false, false, false])
        #expect(none[0] == 1 && abs(none[1] - 0.25) < 1e-4)
    }

    @Test func aWordNoChunkHoldsIsAMissingThingOnlyIfTheQuestionRestsOnIt() {
        var q = QueryAnalyzer.analyze("is tornado faster than fastapi")
        let stems = Set(q.concepts.flatMap { $0.terms.flatMap(\.stems) })
        let df = Dictionary(uniqueKeysWithValues: stems.map { ($0, $0.hasPrefix("tornado") ? 0 : 4) })
        let stats = CorpusStatistics(chunkCount: 24, averageChunkTokens: 40, documentFrequency: df)
        // Words alone, a small corpus: a lower-case word is not taken for a name.
        #expect(AnswerComposer.unknownWords(query: q, statistics: stats).isEmpty)
        let tornado = try! #require(q.concepts.firstIndex { $0.label == "tornado" })
        q.salience = q.concepts.indices.map { $0 == tornado ? 1 : 0.4 }
        #expect(AnswerComposer.unknownWords(query: q, statistics: stats) == ["tornado"])
        // The asker's own word for something ("…mostly fires off thousands of requests"): not a missing thing.
        q.salience = q.concepts.indices.map { $0 == tornado ? 0.06 : 1 }
        #expect(AnswerComposer.unknownWords(query: q, statistics: stats).isEmpty)
    }

    /// A word built with an English suffix ("locally", "sluggishness") that no chunk holds is the asker's
    /// way of putting it, however much the question rests on it: not a missing thing, and not counted
    /// against the evidence either, since no passage could cover it. A name the corpus lacks still abstains.
    @Test func theAskersEnglishIsNeitherAMissingThingNorUncoveredEvidence() {
        func ask(_ question: String, missing: String, salient: Double = 1) -> (unknown: [String], answer: Answer) {
            var q = QueryAnalyzer.analyze(question)
            let df = Dictionary(uniqueKeysWithValues: q.concepts.flatMap { c in c.terms.flatMap(\.stems).map { ($0, c.label == missing ? 0 : 3) } })
            let stats = CorpusStatistics(chunkCount: 24, averageChunkTokens: 40, documentFrequency: df)
            q.salience = q.concepts.map { $0.label == missing ? salient : 0.5 }
            let cand = Candidate(chunkID: 1, source: "post.txt", title: "Post", headingPath: ["Hello World Example"],
                                 anchor: nil, kind: .prose,
                                 text: "Run the app with uvicorn main:app --reload and open it in the browser.", indexScore: 1)
            let ranked = PassageRanker.rank([cand], for: q, statistics: stats)
            return (AnswerComposer.unknownWords(query: q, statistics: stats),
                    AnswerComposer.compose(question: question, query: q, passages: ranked, statistics: stats))
        }
        let locally = ask("how do i run the app locally", missing: "locally")
        #expect(locally.unknown.isEmpty)
        #expect(!locally.answer.abstained, "\(locally.answer.evidenceCoverage)")
        let gunicorn = ask("how do i run the uvicorn app with Gunicorn", missing: "gunicorn")
        #expect(gunicorn.unknown == ["gunicorn"])
        #expect(gunicorn.answer.abstained)
    }

    @Test func coverageCountsTheWordsThatCarryTheMeaning() {
        var q = QueryAnalyzer.analyze("delay vs apply_async actual difference")
        let df = Dictionary(uniqueKeysWithValues: q.concepts.flatMap { $0.terms.flatMap(\.stems) }.map { ($0, 3) })
        let stats = CorpusStatistics(chunkCount: 1000, averageChunkTokens: 40, documentFrequency: df)
        let present = q.concepts.map { ["delay", "apply_async"].contains($0.label) ? 1.0 : 0 }
        let byIDF = ConceptWeights(query: q, statistics: stats).coverage(present)
        q.salience = q.concepts.map { ["delay", "apply_async"].contains($0.label) ? 1 : 0.02 }
        let byMeaning = ConceptWeights(query: q, statistics: stats).coverage(present)
        #expect(byIDF < 0.5)
        #expect(byMeaning > 0.9)
    }
}
