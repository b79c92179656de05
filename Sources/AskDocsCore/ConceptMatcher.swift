// Finds where a query's concepts occur in a piece of text (stem- and phrase-aware), the one
// matching routine shared by passage ranking, sentence picking and highlighting.

import Foundation

/// A text tokenized and stemmed once, to be matched against many terms.
public struct StemmedText: Sendable {
    public let tokens: [Token]
    public let stems: [String]
    public init(_ text: String) {
        tokens = Tokenizer.tokens(text)
        stems = tokens.map { Stemmer.stem($0.text) }
    }
    /// Stems computed earlier (at index time), without the tokens: enough for matching and counting,
    /// not for highlighting.
    public init(stems: [String]) {
        tokens = []
        self.stems = stems
    }
    public var count: Int { stems.count }
}

public struct TermOccurrences: Sendable {
    /// Token positions where each term (by index in the concept) starts.
    public var positions: [[Int]]
}

public enum ConceptMatcher {
    /// Start positions of a (possibly multi-token) term in the stemmed text.
    public static func positions(of term: QueryTerm, in text: StemmedText) -> [Int] {
        let n = term.stems.count
        guard n > 0, text.count >= n else { return [] }
        var out: [Int] = []
        let first = term.stems[0]
        for i in 0...(text.count - n) where text.stems[i] == first {
            var ok = true
            var k = 1
            while k < n {
                if text.stems[i + k] != term.stems[k] { ok = false; break }
                k += 1
            }
            if ok { out.append(i) }
        }
        return out
    }

    /// For each concept, the positions of each of its terms.
    public static func occurrences(of concepts: [QueryConcept], in text: StemmedText) -> [TermOccurrences] {
        occurrences(of: concepts, in: text, using: TermIndex(concepts))
    }

    /// The same in one pass over the text, looking each stem up among the terms' first stems: what
    /// ranking calls for ~300 texts a query, with the index built once.
    public static func occurrences(of concepts: [QueryConcept], in text: StemmedText,
                                   using index: TermIndex) -> [TermOccurrences] {
        var out = concepts.map { TermOccurrences(positions: Array(repeating: [], count: $0.terms.count)) }
        let stems = text.stems
        let n = stems.count
        for i in 0..<n {
            guard let starts = index.byFirstStem[stems[i]] else { continue }
            for (ci, ti) in starts {
                let term = concepts[ci].terms[ti].stems
                var matches = i + term.count <= n
                var k = 1
                while matches && k < term.count {
                    if stems[i + k] != term[k] { matches = false }
                    k += 1
                }
                if matches { out[ci].positions[ti].append(i) }
            }
        }
        return out
    }

    /// Query terms by their first stem.
    public struct TermIndex: Sendable {
        let byFirstStem: [String: [(concept: Int, term: Int)]]
        public init(_ concepts: [QueryConcept]) {
            var map: [String: [(concept: Int, term: Int)]] = [:]
            for (ci, c) in concepts.enumerated() {
                for (ti, t) in c.terms.enumerated() where !t.stems.isEmpty { map[t.stems[0], default: []].append((ci, ti)) }
            }
            byFirstStem = map
        }
    }

    /// How strongly each concept is present: the weight of its best matching term (0 if absent).
    public static func presence(of concepts: [QueryConcept], in occ: [TermOccurrences]) -> [Double] {
        zip(concepts, occ).map { c, o in
            var best = 0.0
            for (t, pos) in zip(c.terms, o.positions) where !pos.isEmpty { best = max(best, t.weight) }
            return best
        }
    }
}

/// Concept weights for coverage: idf of the word as asked, times how often it was asked.
public struct ConceptWeights: Sendable {
    public let weights: [Double]
    public let total: Double
    public init(query: AnalyzedQuery, statistics: CorpusStatistics) {
        let salience = query.salience.flatMap { $0.count == query.concepts.count ? $0 : nil }
        weights = query.concepts.enumerated().map { i, c in
            let idf = statistics.idf(ofPhrase: c.terms.first?.stems ?? [])
            return max(idf * (salience?[i] ?? 1), 0.05) * Double(c.count)
        }
        total = weights.reduce(0, +)
    }
    public init(weights: [Double]) {
        self.weights = weights
        total = weights.reduce(0, +)
    }

    /// The idf-weighted share of the question's concepts that `presence` covers, in 0...1.
    public func coverage(_ presence: [Double]) -> Double {
        guard total > 0 else { return 0 }
        return zip(weights, presence).map { $0 * $1 }.reduce(0, +) / total
    }
}
