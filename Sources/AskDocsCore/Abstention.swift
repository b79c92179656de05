// Whether to answer or say "I couldn't find that", decided from the evidence by a logistic model whose
// weights were fitted (scripts/fit_abstention.py, leave-one-set-out) on answerable and unanswerable
// questions, instead of thresholds set by hand: how well the best sentence covers the question's words,
// how close in meaning the question is to the best passages, and whether it names something the corpus
// never says. Used when the passages carry similarities (an index with vectors); without them the word
// rules of AnswerParameters decide.

import Foundation

public struct AbstentionEvidence: Sendable, Equatable {
    public static let names = ["bias", "coverageMargin", "topSimilarity", "bestSimilarity", "unknownName",
                               "unsupportedCorrection"]
    public var values: [Double]

    public init(coverageMargin: Double, topSimilarity: Double, bestSimilarity: Double, unknownName: Bool,
                unsupportedCorrection: Bool) {
        values = [1, coverageMargin, topSimilarity, bestSimilarity, unknownName ? 1 : 0, unsupportedCorrection ? 1 : 0]
    }
}

public struct AbstentionModel: Sendable, Equatable {
    public var weights: [Double]
    public init(_ weights: [Double]) {
        precondition(weights.count == AbstentionEvidence.names.count, "one weight per abstention feature")
        self.weights = weights
    }

    /// `ASKDOCS_ABSTENTION="w1,w2,…"` (a development knob for the cross-validation folds).
    public init?(parsing spec: String) {
        let values = spec.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == AbstentionEvidence.names.count else { return nil }
        weights = values
    }

    /// The modelled probability that the corpus does not answer the question.
    public func probability(_ evidence: AbstentionEvidence) -> Double {
        1 / (1 + Foundation.exp(-zip(weights, evidence.values).reduce(0) { $0 + $1.0 * $1.1 }))
    }

    public func abstains(_ evidence: AbstentionEvidence) -> Bool { probability(evidence) > 0.5 }
}
