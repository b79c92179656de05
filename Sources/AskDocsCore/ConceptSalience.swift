// Which of a question's words carry its meaning, as the sentence model reads it: the question is embedded
// again without each concept's words, and a concept weighs by how far its removal moves the question's
// vector. "delay vs apply_async, what's the actual difference?" moves little without "vs", "actual" or
// "difference" and a lot without "apply_async" — what corpus idf cannot tell, since "vs" is rarer in
// Celery's docs than "delay". Pure: texts out, vectors in, weights out; the engine runs the model.

import Foundation

public enum ConceptSalience {
    /// The question's text without each concept's words, one per concept, in the order of
    /// `query.concepts`; nil where a concept's words are not found in the text (it keeps full weight).
    public static func variants(of query: AnalyzedQuery) -> [String?] {
        let text = query.correctedText ?? query.text
        let tokens = Tokenizer.tokens(text)
        return query.concepts.map { concept in
            let words = Tokenizer.words(concept.label)
            guard !words.isEmpty, words.count <= tokens.count else { return nil }
            var removed: [Range<String.Index>] = []
            var i = 0
            while i + words.count <= tokens.count {
                if (0..<words.count).allSatisfy({ tokens[i + $0].text == words[$0] }) {
                    removed.append(tokens[i].range.lowerBound..<tokens[i + words.count - 1].range.upperBound)
                    i += words.count
                } else {
                    i += 1
                }
            }
            guard !removed.isEmpty else { return nil }
            var out = ""
            var from = text.startIndex
            for r in removed {
                out += text[from..<r.lowerBound]
                from = r.upperBound
            }
            out += text[from...]
            let squeezed = out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return squeezed.isEmpty ? nil : squeezed
        }
    }

    /// Each concept's salience in 0...1: one minus the cosine of the question's vector with the vector of
    /// the question without it, over the largest such change among the `telling` concepts (so the telling
    /// concept that carries most is 1). A word in half the chunks or more tells nothing here, however much
    /// the model leans on it: "celery" in a question put to Celery's docs is their subject, not the
    /// question's. `variants[i]` nil: concept i keeps 1. Vectors are unit length.
    public static func weights(question: [Float], variants: [[Float]?], telling: [Bool]? = nil) -> [Double] {
        let change = variants.map { v -> Double? in
            guard let v, v.count == question.count else { return nil }
            var dot: Float = 0
            for (a, b) in zip(question, v) { dot += a * b }
            return max(0, 1 - Double(dot))
        }
        let counted = change.indices.filter { i in telling.map { i >= $0.count || $0[i] } ?? true }
        var largest = counted.compactMap { change[$0] }.max() ?? 0
        if largest <= 1e-6 { largest = change.compactMap { $0 }.max() ?? 0 }
        guard largest > 1e-6 else { return [Double](repeating: 1, count: variants.count) }
        return change.map { $0.map { min(1, $0 / largest) } ?? 1 }
    }
}
