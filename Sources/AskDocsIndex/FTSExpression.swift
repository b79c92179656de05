// Renders an AnalyzedQuery as an FTS5 MATCH expression. Every term is a double-quoted string (a phrase
// for multi-word terms) joined by OR, so no user text is ever read as FTS5 syntax: quotes, `*`, `NEAR(`,
// `AND`, column filters and the like arrive as plain tokens or are dropped by the tokenizer.

import AskDocsCore

public enum FTSExpression {
    /// nil when the question has nothing to search for (only stopwords, punctuation, emoji).
    public static func render(_ query: AnalyzedQuery) -> String? {
        var parts: [String] = []
        for concept in query.concepts {
            let alternatives = concept.terms.map { quote($0.surface) }
            // A concept asked twice appears twice: FTS5's bm25 then counts it twice, as users expect.
            for _ in 0..<min(concept.count, 4) { parts.append(contentsOf: alternatives) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " OR ")
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
