// Makes the `snippet` of a search result: the stretch of a passage where the question's concepts stand
// closest together, with matched words marked **like this**.

import Foundation

public enum Highlighter {
    public static func snippet(of text: String, for query: AnalyzedQuery, maxTokens: Int = 32) -> String {
        let stemmed = StemmedText(text)
        guard stemmed.count > 0 else { return "" }
        var hit = [Bool](repeating: false, count: stemmed.count)
        var conceptAt = [Int](repeating: -1, count: stemmed.count)
        for (ci, concept) in query.concepts.enumerated() {
            for term in concept.terms {
                for start in ConceptMatcher.positions(of: term, in: stemmed) {
                    for k in start..<min(start + term.stems.count, stemmed.count) {
                        hit[k] = true
                        conceptAt[k] = ci
                    }
                }
            }
        }
        // The window with the most distinct concepts (then most hits), scanning left to right.
        var bestStart = 0
        var bestKey = (-1, -1)
        let width = min(maxTokens, stemmed.count)
        // Sliding window: per-concept counts inside it, updated as it moves one token.
        var perConcept = [Int](repeating: 0, count: query.concepts.count)
        var distinct = 0
        var hits = 0
        func enter(_ k: Int) {
            if hit[k] { hits += 1 }
            if conceptAt[k] >= 0 { perConcept[conceptAt[k]] += 1; if perConcept[conceptAt[k]] == 1 { distinct += 1 } }
        }
        func leave(_ k: Int) {
            if hit[k] { hits -= 1 }
            if conceptAt[k] >= 0 { perConcept[conceptAt[k]] -= 1; if perConcept[conceptAt[k]] == 0 { distinct -= 1 } }
        }
        for k in 0..<width { enter(k) }
        for start in 0...(stemmed.count - width) {
            if start > 0 {
                leave(start - 1)
                enter(start + width - 1)
            }
            if (distinct, hits) > bestKey { bestKey = (distinct, hits); bestStart = start }
        }
        let tokens = stemmed.tokens
        let first = bestStart
        let last = bestStart + width - 1
        var out = first > 0 ? "…" : ""
        var cursor = first == 0 ? text.startIndex : tokens[first].range.lowerBound
        // Matched words joined by punctuation alone (csrf_token, os.path) are one mark, not **csrf**_**token**.
        var open = false
        for k in first...last {
            let r = tokens[k].range
            let gap = text[cursor..<r.lowerBound]
            if open && !(hit[k] && !gap.isEmpty && !gap.contains(where: \.isWhitespace)) {
                out += "**"
                open = false
            }
            out += gap
            if hit[k] && !open {
                out += "**"
                open = true
            }
            out += text[r]
            cursor = r.upperBound
        }
        if open { out += "**" }
        if last == tokens.count - 1 {
            out += text[cursor...]
        } else {
            out += "…"
        }
        return out.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
