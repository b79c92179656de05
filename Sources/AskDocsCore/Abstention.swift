// Whether to answer or say "I couldn't find that", decided from the evidence by a logistic model fitted
// on answerable and unanswerable questions (scripts/fit_abstention.py, leave-one-set-out) instead of
// thresholds set by hand: how well the best sentence covers the question's words, how close in meaning
// the question is to the best passages, and whether it names something the corpus never says. Not the
// default yet (AnswerParameters.abstention): measured, it traded unanswerable questions caught for fewer
// false abstentions. The evidence is recorded on every answer, for `askdocs eval abstention`.

import Foundation

public struct AbstentionEvidence: Sendable, Equatable {
    public static let names = ["bias", "coverageMargin", "topSimilarity", "bestSimilarity", "absentName",
                               "unknownWord", "unsupportedCorrection", "concepts"]
    public var values: [Double]

    /// - absentName: an identifier or capitalised name of the question that no chunk holds as a run;
    ///   unknownWord: a word written as a name, or not English, that no chunk holds; concepts: how many
    ///   concepts the question has, as log(1 + n) (a story around the question has many).
    public init(coverageMargin: Double, topSimilarity: Double, bestSimilarity: Double, absentName: Bool,
                unknownWord: Bool, unsupportedCorrection: Bool, concepts: Int) {
        values = [1, coverageMargin, topSimilarity, bestSimilarity, absentName ? 1 : 0, unknownWord ? 1 : 0,
                  unsupportedCorrection ? 1 : 0, Foundation.log(1 + Double(concepts))]
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
        guard let values = LinearWeights.parse(spec, count: AbstentionEvidence.names.count) else { return nil }
        weights = values
    }

    /// The modelled probability that the corpus does not answer the question.
    public func probability(_ evidence: AbstentionEvidence) -> Double {
        1 / (1 + Foundation.exp(-LinearWeights.dot(weights, evidence.values)))
    }

    public func abstains(_ evidence: AbstentionEvidence) -> Bool { probability(evidence) > 0.5 }
}
