// Words and meaning together: the lexically ranked passages (FTS5 candidates and the chunks whose vectors
// are nearest the question's, all reranked by PassageRanker) are re-ordered by a linear model over the
// evidence about each — lexical score and rank, cosine similarity and rank, coverage — whose weights were
// fitted, not chosen: `scripts/fit_fusion.py` fits them on the development sets with leave-one-set-out
// cross-validation (FusionWeights.swift, generated). Pure: passages and similarities in, order out.

import Foundation

/// What the fusion model reads about one passage; `names` is the order of `values` and of the weights.
public struct FusionFeatures: Sendable, Equatable {
    public static let names = [
        "lexical", "lexicalReciprocalRank", "similarity", "similarityReciprocalRank",
        "coverage", "headingCoverage", "window", "fromIndex", "code", "history",
    ]
    public var values: [Double]

    /// - lexicalRank/similarityRank: 0-based places in the word ranking and among the nearest vectors
    ///   (nil: not among them).
    public init(passage: RankedPassage, lexicalRank: Int, topLexicalScore: Double, similarity: Double,
                similarityRank: Int?) {
        let f = passage.features
        values = [
            topLexicalScore > 0 ? max(0, passage.score) / topLexicalScore : 0,
            1 / Double(1 + lexicalRank),
            similarity,
            similarityRank.map { 1 / Double(1 + $0) } ?? 0,
            f["coverage"] ?? 0,
            f["headingCoverage"] ?? 0,
            f["window"] ?? 0,
            passage.candidate.indexScore > 0 ? 1 : 0,
            passage.candidate.kind == .code ? 1 : 0,
            f["history"] != nil ? 1 : 0,
        ]
    }
}

public struct FusionWeights: Sendable, Equatable {
    public var weights: [Double]
    public init(_ weights: [Double]) {
        precondition(weights.count == FusionFeatures.names.count, "one weight per fusion feature")
        self.weights = weights
    }

    /// `ASKDOCS_FUSION="w1,w2,…"` (a development knob: the cross-validation folds are measured with it).
    public init?(parsing spec: String) {
        guard let values = LinearWeights.parse(spec, count: FusionFeatures.names.count) else { return nil }
        weights = values
    }

    public func score(_ features: FusionFeatures) -> Double { LinearWeights.dot(weights, features.values) }
}

/// What the fitted linear models (fusion, abstention) share: weights written as "w1,w2,…" (the
/// `ASKDOCS_FUSION` / `ASKDOCS_ABSTENTION` knobs) and a weighted sum.
enum LinearWeights {
    /// The comma-separated numbers of `spec`, or nil unless there are exactly `count`.
    static func parse(_ spec: String, count: Int) -> [Double]? {
        let parts = spec.split(separator: ",")
        let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        return values.count == count && parts.count == count ? values : nil
    }

    static func dot(_ weights: [Double], _ values: [Double]) -> Double {
        zip(weights, values).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

public enum HybridRanker {
    /// Re-orders `ranked` (the lexical order) by the fusion model. `similarity` holds each passage's cosine
    /// with the question (by chunk id), `nearest` the chunk ids nearest the question, best first. Each
    /// passage's score becomes exp(model − best model), so the first is 1 and the others say how far below
    /// it they stand (what AnswerComposer reads as a passage's prior); its features gain "similarity" and
    /// "fusion" for `:why`.
    public static func fuse(_ ranked: [RankedPassage], similarity: [Int64: Double], nearest: [Int64],
                            weights: FusionWeights, keepFeatures: Bool = false) -> [RankedPassage] {
        guard !ranked.isEmpty else { return ranked }
        let top = ranked.map(\.score).max() ?? 0
        var nearRank: [Int64: Int] = [:]
        for (i, id) in nearest.enumerated() where nearRank[id] == nil { nearRank[id] = i }
        var scored = ranked.enumerated().map { rank, passage -> (RankedPassage, Double) in
            let id = passage.candidate.chunkID
            let s = similarity[id] ?? 0
            let features = FusionFeatures(passage: passage, lexicalRank: rank, topLexicalScore: top, similarity: s,
                                          similarityRank: nearRank[id])
            var p = passage
            p.features["similarity"] = s
            if keepFeatures {
                for (name, value) in zip(FusionFeatures.names, features.values) { p.features["f." + name] = value }
            }
            return (p, weights.score(features))
        }
        let maxScore = scored.map(\.1).max() ?? 0
        for i in scored.indices {
            scored[i].0.features["fusion"] = scored[i].1
            scored[i].0.score = Foundation.exp(scored[i].1 - maxScore)
        }
        scored.sort { a, b in a.1 != b.1 ? a.1 > b.1 : a.0.candidate.chunkID < b.0.candidate.chunkID }
        return scored.map(\.0)
    }
}
