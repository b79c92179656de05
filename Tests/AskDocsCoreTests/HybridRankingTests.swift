// Vectors as the index keeps them (int8 with a scale), brute-force nearest neighbours, what is embedded for
// a chunk, and the fusion of word and meaning evidence: pure values, no model, no SQLite.

import Foundation
import Testing
@testable import AskDocsCore

@Suite struct HybridRankingTests {
    /// Deterministic pseudo-random unit vectors (a linear congruential generator: no Foundation randomness).
    static func unitVectors(_ count: Int, dimension: Int, seed: UInt64 = 7) -> [[Float]] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
        return (0..<count).map { _ in
            let v = (0..<dimension).map { _ in next() }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func quantizedVectorsKeepTheirCosineAndSurviveStorage() throws {
        let vectors = Self.unitVectors(50, dimension: 384)
        for (a, b) in zip(vectors, vectors.dropFirst()) {
            let qa = QuantizedVector(a), qb = QuantizedVector(b)
            #expect(abs(Self.cosine(qa.floats, qb.floats) - Self.cosine(a, b)) < 0.01)
            let stored = qa.bytes
            #expect(stored.count == 4 + 384)
            let read = stored.withUnsafeBytes { QuantizedVector(bytes: $0, dimension: 384) }
            #expect(read == qa)
            #expect(stored.withUnsafeBytes { QuantizedVector(bytes: $0, dimension: 383) } == nil)
        }
        #expect(QuantizedVector([0, 0, 0]).values == [0, 0, 0])
    }

    @Test func nearestMatchesAFullSortOfExactCosines() {
        let vectors = Self.unitVectors(500, dimension: 100)
        var store = ChunkVectors(dimension: 100)
        for (i, v) in vectors.enumerated() { store.append(id: Int64(1000 + i), vector: QuantizedVector(v)) }
        let query = Self.unitVectors(1, dimension: 100, seed: 99)[0]
        let q = QuantizedVector(query)
        let found = store.nearest(to: q, k: 10)
        #expect(found.count == 10)
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })
        // The exact top 10, allowing for quantisation: each found one is within 0.02 of the exact ranking's.
        let exact = vectors.enumerated().map { (Int64(1000 + $0.offset), Self.cosine($0.element, query)) }
            .sorted { $0.1 > $1.1 }
        #expect(found[0].id == exact[0].0)
        for (f, e) in zip(found, exact) { #expect(abs(f.similarity - e.1) < 0.02) }
        #expect(abs(store.similarity(q, to: found[0].id)! - found[0].similarity) < 1e-5)
        #expect(store.similarity(q, to: 5) == nil)
        #expect(store.nearest(to: q, k: 0).isEmpty)
        #expect(store.nearest(to: q, k: 600).count == 500)
    }

    /// The scan (AVX2 where the CPU has it) gives every chunk the score the one-chunk dot product gives,
    /// at the extremes of int8 and for dimensions that leave a tail after its 64- and 32-value steps.
    @Test(arguments: [384, 100, 31, 19, 1])
    func theScanScoresEveryChunkAsTheDotProductDoes(dimension: Int) {
        var generator = SystemRandomNumberGenerator()
        var store = ChunkVectors(dimension: dimension)
        let extremes: [[Int8]] = [[Int8](repeating: 127, count: dimension), [Int8](repeating: -127, count: dimension)]
        for i in 0..<200 {
            let values = i < 2 ? extremes[i] : (0..<dimension).map { _ in Int8.random(in: -127...127, using: &generator) }
            store.append(id: Int64(i), vector: QuantizedVector(scale: Float.random(in: 0.001...0.02, using: &generator),
                                                               values: values))
        }
        for query in extremes + [(0..<dimension).map { _ in Int8.random(in: -127...127, using: &generator) }] {
            let q = QuantizedVector(scale: 0.01, values: query)
            let all = store.nearest(to: q, k: 200)
            #expect(all.count == 200)
            for (id, score) in all {
                let one = store.similarity(q, to: id)!
                #expect(abs(score - one) <= 1e-6 * max(1, abs(one)), "chunk \(id): \(score) vs \(one)")
            }
        }
    }

    @Test func anOddDimensionIsSummedToTheLastValue() {
        var store = ChunkVectors(dimension: 19)
        let v: [Float] = (0..<19).map { $0 == 18 ? 1 : 0 }
        store.append(id: 1, vector: QuantizedVector(v))
        #expect(abs(store.similarity(QuantizedVector(v), to: 1)! - 1) < 1e-3)
    }

    @Test func theEmbeddedTextNamesThePageAndSectionOnce() {
        #expect(EmbeddedText.chunk(title: "Logging HOWTO", headingPath: ["Logging HOWTO", "Basic Logging Tutorial"],
                                   body: "Logging is a means…") == "Logging HOWTO › Basic Logging Tutorial\nLogging is a means…")
        #expect(EmbeddedText.chunk(title: "Post", headingPath: [], body: "text") == "Post\ntext")
        #expect(EmbeddedText.chunk(title: "", headingPath: [], body: "text") == "text")
    }

    static func passage(_ id: Int64, score: Double, coverage: Double = 0.5) -> RankedPassage {
        RankedPassage(candidate: Candidate(chunkID: id, source: "p.md", title: "P", headingPath: ["S\(id)"], anchor: nil,
                                           kind: .prose, text: "text \(id)", indexScore: 1),
                      score: score, features: ["coverage": coverage], matchedConcepts: [])
    }

    @Test func fusionOrdersByTheWeightedEvidence() {
        let lexical = [Self.passage(1, score: 2.0), Self.passage(2, score: 1.8), Self.passage(3, score: 0.5)]
        let similarity: [Int64: Double] = [1: 0.20, 2: 0.70, 3: 0.40]
        var w = [Double](repeating: 0, count: FusionFeatures.names.count)
        // Words alone keep the lexical order.
        w[FusionFeatures.names.firstIndex(of: "lexical")!] = 1
        #expect(HybridRanker.fuse(lexical, similarity: similarity, nearest: [2, 3, 1], weights: FusionWeights(w))
            .map(\.candidate.chunkID) == [1, 2, 3])
        // Meaning weighed in: passage 2 says what was asked in other words.
        w[FusionFeatures.names.firstIndex(of: "similarity")!] = 2
        let fused = HybridRanker.fuse(lexical, similarity: similarity, nearest: [2, 3, 1], weights: FusionWeights(w))
        #expect(fused.map(\.candidate.chunkID) == [2, 1, 3])
        // Scores: the first is 1, the rest exp(model − best).
        #expect(fused[0].score == 1)
        #expect(fused.dropFirst().allSatisfy { $0.score < 1 && $0.score > 0 })
        #expect(fused[0].features["similarity"] == 0.70)
        #expect(abs(fused[1].score - exp((1.0 + 0.4) - (0.9 + 1.4))) < 1e-9)
    }

    @Test func fusionFeaturesReadTheRanksAndGaps() {
        let p = Self.passage(9, score: 1.0, coverage: 0.75)
        let f = FusionFeatures(passage: p, lexicalRank: 3, topLexicalScore: 2.0, similarity: 0.5,
                               similarityRank: nil)
        let byName = Dictionary(uniqueKeysWithValues: zip(FusionFeatures.names, f.values))
        #expect(byName["lexical"] == 0.5)
        #expect(byName["lexicalReciprocalRank"] == 0.25)
        #expect(byName["similarity"] == 0.5)
        #expect(byName["similarityReciprocalRank"] == 0)
        #expect(byName["coverage"] == 0.75)
        #expect(byName["fromIndex"] == 1)
        #expect(FusionWeights(parsing: "1,2") == nil)
        #expect(FusionWeights(parsing: Array(repeating: "0.5", count: FusionFeatures.names.count).joined(separator: ","))?
            .weights.allSatisfy { $0 == 0.5 } == true)
    }
}
