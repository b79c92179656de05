// Renders an AnalyzedQuery as an FTS5 MATCH expression. Every term is a double-quoted string (a phrase
// for multi-word terms) joined by OR, so no user text is ever read as FTS5 syntax: quotes, `*`, `NEAR(`,
// `AND`, column filters and the like arrive as plain tokens or are dropped by the tokenizer.

import AskDocsCore

public enum FTSExpression {
    /// nil when the question has nothing to search for (only stopwords, punctuation, emoji).
    /// `skip` leaves terms out of candidate generation (they still count in reranking).
    public static func render(_ query: AnalyzedQuery, skip: (QueryTerm) -> Bool = { _ in false }) -> String? {
        var parts: [String] = []
        for concept in query.concepts {
            let alternatives = concept.terms.filter { !skip($0) }.map { quote($0.surface) }
            // A concept asked twice appears twice: FTS5's bm25 then counts it twice, as users expect.
            for _ in 0..<min(concept.count, 4) { parts.append(contentsOf: alternatives) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " OR ")
    }

    /// The terms (by surface) to leave out of the MATCH expression: the commonest ones, once the rarer
    /// ones already fill `budget` postings (their summed chunk counts). FTS5 scores every chunk that
    /// matches any term, so on a large corpus "file" or "use" would cost tens of milliseconds; they still
    /// count in reranking. The rarest term always stays, so every question still finds candidates.
    public static func termsBeyondBudget(_ query: AnalyzedQuery, statistics: CorpusStatistics,
                                         budget: Int) -> Set<String> {
        func postings(_ t: QueryTerm) -> Int { t.stems.map { statistics.documentFrequency[$0] ?? 0 }.min() ?? 0 }
        let terms = query.concepts.flatMap(\.terms)
        guard terms.map(postings).reduce(0, +) > budget else { return [] }
        var kept = Set<String>()
        var total = 0
        for term in terms.sorted(by: { postings($0) < postings($1) }) {
            let n = postings(term)
            if !kept.isEmpty && total + n > budget { break }
            kept.insert(term.surface)
            total += n
        }
        return Set(terms.map(\.surface)).subtracting(kept)
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
