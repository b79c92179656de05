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

    /// When even the rarest asked concept matches more than `budget` chunks (common words only, on a
    /// large corpus), narrower expressions to try first, narrowest first: the three, then the two rarest
    /// concepts required together, or for a one-concept question, the concept in titles and headings.
    /// FTS5 then scores only the chunks those hold instead of every chunk holding one common word
    /// (150 ms → 15 ms for "how do data types work" over 577,000 chunks). Empty when the OR expression
    /// is cheap enough; the caller takes the first that finds enough candidates, else the OR expression.
    public static func narrowed(_ query: AnalyzedQuery, statistics: CorpusStatistics, budget: Int,
                                maxConcepts: Int = 2) -> [String] {
        func postings(_ t: QueryTerm) -> Int { t.stems.map { statistics.documentFrequency[$0] ?? 0 }.min() ?? 0 }
        let concepts = query.concepts.compactMap { concept -> (terms: [QueryTerm], postings: Int)? in
            let found = concept.terms.filter { postings($0) > 0 }
            return found.isEmpty ? nil : (found, found.map(postings).reduce(0, +))
        }.sorted { $0.postings < $1.postings }
        guard maxConcepts > 0, let rarest = concepts.first, rarest.postings > budget else { return [] }
        func group(_ terms: [QueryTerm]) -> String { "(" + terms.map { quote($0.surface) }.joined(separator: " OR ") + ")" }
        if concepts.count == 1 { return ["{title headings} : " + group(rarest.terms)] }
        return (2...max(2, min(maxConcepts, concepts.count))).reversed().map { n in
            concepts.prefix(n).map { group($0.terms) }.joined(separator: " AND ")
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
