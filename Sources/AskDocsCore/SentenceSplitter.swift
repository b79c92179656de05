// Splits a chunk into answer units: prose into sentences, a code chunk whole, a table chunk into rows.
// Used by the Chunker (never split a sentence) and by the SentencePicker (quote whole sentences only).

import Foundation

public struct AnswerUnit: Sendable, Equatable {
    public var text: String
    public var kind: BlockKind
    /// Order inside its chunk, so that picked sentences can be quoted in reading order.
    public var ordinal: Int
}

public enum SentenceSplitter {
    static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "no", "approx", "fig",
        "cf", "al", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "u.s", "u.k", "ph.d", "eq", "ref", "vol", "p", "pp", "ch", "sec",
    ]

    /// Units of a chunk according to its kind.
    public static func units(of text: String, kind: BlockKind) -> [AnswerUnit] {
        switch kind {
        case .code:
            return [AnswerUnit(text: text, kind: .code, ordinal: 0)]
        case .tableRow:
            return text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().map {
                AnswerUnit(text: String($0.element), kind: .tableRow, ordinal: $0.offset)
            }
        case .prose:
            var out: [AnswerUnit] = []
            for paragraph in text.components(separatedBy: "\n\n") {
                for s in sentences(paragraph) {
                    out.append(AnswerUnit(text: s, kind: .prose, ordinal: out.count))
                }
            }
            return out
        }
    }

    /// Sentences of one paragraph, whitespace normalised. Joining them with spaces gives back every word.
    public static func sentences(_ paragraph: String) -> [String] {
        let chars = Array(paragraph)
        var out: [String] = []
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            let s = String(chars[start..<end]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !s.isEmpty { out.append(s) }
            start = end
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n", i + 1 < chars.count, chars[i + 1] == "\n" {
                flush(i)
            } else if c == "." || c == "!" || c == "?" || c == "。" {
                // Take closing quotes/brackets with the sentence.
                var j = i + 1
                while j < chars.count, "\"')]”’".contains(chars[j]) { j += 1 }
                if j >= chars.count { break }
                guard chars[j].isWhitespace else { i += 1; continue }
                var k = j
                while k < chars.count, chars[k].isWhitespace { k += 1 }
                guard k < chars.count else { break }
                let next = chars[k]
                let startsSentence = next.isUppercase || next.isNumber || "\"'“‘([".contains(next)
                if startsSentence && !(c == "." && isAbbreviation(chars, before: i)) {
                    flush(j)
                    start = k
                    i = k
                    continue
                }
            }
            i += 1
        }
        flush(chars.count)
        return out
    }

    static func isAbbreviation(_ chars: [Character], before dot: Int) -> Bool {
        var k = dot - 1
        while k >= 0, chars[k].isLetter || chars[k] == "." { k -= 1 }
        let word = String(chars[(k + 1)..<dot]).lowercased()
        if word.isEmpty { return false }
        if abbreviations.contains(word) { return true }
        // A lone capital ("J. Smith") is an initial.
        return word.count == 1 && chars[dot - 1].isUppercase
    }
}
