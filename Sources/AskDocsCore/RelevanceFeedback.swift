// Pseudo-relevance feedback (RM3-style): the words the best-ranked passages share, that the question does
// not say, are taken as more of what it means ("pressure distribution" brings "boundary layer" passages
// forward). Pure: ranked passages in, expansion terms and a new order out; the engine fetches the terms'
// statistics in between.

import Foundation

public struct FeedbackParameters: Sendable, Equatable {
    /// How many of the top passages are read as relevant (0: no feedback).
    public var documents = 10
    /// How many expansion terms are kept.
    public var terms = 10
    /// The relevance model's best `terms × poolFactor` words are weighed by idf to choose the kept ones:
    /// the model alone favours words common everywhere ("flow" in an aerodynamics collection).
    public var poolFactor = 5
    /// The expansion terms' score, normalised to the best passage's, is added with this weight. Measured:
    /// 0.3 gives Cranfield 0.407 but costs the documentation QA sets the right page first (PostgreSQL
    /// 0.56 → 0.44: the top chunks of reference pages share boilerplate, not meaning); 0.1 keeps them whole.
    public var weight = 0.1
    /// A term must be in at least this many of the feedback passages: one passage's pet word is noise.
    public var minimumPassages = 2
    public init() {}
    public static let `default` = FeedbackParameters()
}

public struct ExpansionTerm: Sendable, Equatable {
    public var stem: String
    /// The term's share of the relevance model, P(t|R).
    public var weight: Double
    public init(stem: String, weight: Double) {
        self.stem = stem
        self.weight = weight
    }
}

public enum RelevanceFeedback {
    /// Stems of the stoplist's words: they are in every passage and mean nothing.
    static let stopStems: Set<String> = Set(QueryAnalyzer.stopwords.map(Stemmer.stem))

    /// The relevance model over the top passages: each stem's share of each passage's words, weighted by
    /// the passage's share of the top scores, summed; its best `terms × poolFactor` stems. Stems of the
    /// question, stop words, numbers and one-letter tokens are left out.
    public static func expansionPool(from ranked: [RankedPassage], query: AnalyzedQuery,
                                      parameters p: FeedbackParameters = .default) -> [ExpansionTerm] {
        // One passage per document: ten chunks of one page would only say that page's words again.
        var sources = Set<String>()
        let top = ranked.filter { sources.insert($0.candidate.source).inserted }.prefix(p.documents)
        guard p.documents > 0, p.terms > 0, top.count >= p.minimumPassages else { return [] }
        let asked = Set(query.concepts.flatMap { $0.terms.flatMap(\.stems) })
        let floor = top.map(\.score).min() ?? 0
        // Scores shifted so the last feedback passage still counts a little.
        let passageWeights = top.map { $0.score - floor + 0.1 }
        let totalWeight = passageWeights.reduce(0, +)
        var model: [String: Double] = [:]
        var passagesHolding: [String: Int] = [:]
        for (passage, w) in zip(top, passageWeights) {
            let stems = allStems(of: passage.candidate)
            guard !stems.isEmpty else { continue }
            var counts: [String: Int] = [:]
            for stem in stems where isCandidate(stem) && !asked.contains(stem) { counts[stem, default: 0] += 1 }
            let length = Double(stems.count)
            for (stem, count) in counts {
                model[stem, default: 0] += (w / totalWeight) * Double(count) / length
                passagesHolding[stem, default: 0] += 1
            }
        }
        let kept = model.filter { passagesHolding[$0.key, default: 0] >= p.minimumPassages }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(p.terms * max(p.poolFactor, 1))
        let total = kept.reduce(0) { $0 + $1.value }
        guard total > 0 else { return [] }
        return kept.map { ExpansionTerm(stem: $0.key, weight: $0.value / total) }
    }

    /// The pool's `terms` best by relevance-model weight times idf, their weights summing to 1.
    public static func select(_ pool: [ExpansionTerm], statistics: CorpusStatistics,
                              parameters p: FeedbackParameters = .default) -> [ExpansionTerm] {
        let kept = pool.map { ExpansionTerm(stem: $0.stem, weight: $0.weight * statistics.idf($0.stem)) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.stem < $1.stem }
            .prefix(p.terms)
        let total = kept.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return [] }
        return kept.map { ExpansionTerm(stem: $0.stem, weight: $0.weight / total) }
    }

    /// Adds each passage's BM25 over the expansion terms (weighted by the relevance model, normalised to
    /// the best such score) to its score, `weight` times, and sorts again.
    public static func rerank(_ ranked: [RankedPassage], expansion: [ExpansionTerm], statistics: CorpusStatistics,
                              parameters p: FeedbackParameters = .default,
                              ranking: RankingParameters = .default) -> [RankedPassage] {
        guard !expansion.isEmpty, p.weight > 0, !ranked.isEmpty else { return ranked }
        let avgdl = max(statistics.averageChunkTokens, 1)
        let idf = expansion.map { statistics.idf($0.stem) }
        let index = Dictionary(uniqueKeysWithValues: expansion.enumerated().map { ($1.stem, $0) })
        let scores = ranked.map { passage -> Double in
            let stems = allStems(of: passage.candidate)
            var tf = [Int](repeating: 0, count: expansion.count)
            for stem in stems { if let i = index[stem] { tf[i] += 1 } }
            let norm = ranking.k1 * (1 - ranking.b + ranking.b * Double(stems.count) / avgdl)
            var score = 0.0
            for i in expansion.indices where tf[i] > 0 {
                let f = Double(tf[i])
                score += expansion[i].weight * idf[i] * f * (ranking.k1 + 1) / (f + norm)
            }
            return score
        }
        let best = scores.max() ?? 0
        guard best > 0 else { return ranked }
        var out = zip(ranked, scores).map { passage, s -> RankedPassage in
            var passage = passage
            let added = p.weight * s / best
            passage.score += added
            passage.features["feedback"] = added
            return passage
        }
        out.sort { a, b in a.score != b.score ? a.score > b.score : a.candidate.chunkID < b.candidate.chunkID }
        return out
    }

    static func allStems(of candidate: Candidate) -> [String] {
        if let s = candidate.stems { return s.title + s.headings + s.body }
        return StemmedText(candidate.title).stems + StemmedText(candidate.headingPath.joined(separator: " . ")).stems
            + StemmedText(candidate.text).stems
    }

    static func isCandidate(_ stem: String) -> Bool {
        stem.count > 1 && !stopStems.contains(stem) && !stem.contains(where: \.isNumber)
    }
}
