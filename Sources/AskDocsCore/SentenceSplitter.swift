// Splits a chunk into answer units: prose into sentences, a code chunk whole, a table chunk into rows.
// Used by the Chunker (never split a sentence) and by the AnswerComposer (quote whole sentences only).

import Foundation

public struct AnswerUnit: Sendable, Equatable {
    public var text: String
    public var kind: BlockKind
    /// Order inside its chunk, so that picked sentences can be quoted in reading order.
    public var ordinal: Int
    /// Which paragraph of the chunk it stands in: an answer reads on within a paragraph, not across.
    public var paragraph: Int = 0
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
            for (p, paragraph) in paragraphs(of: text).enumerated() {
                for s in sentences(paragraph) {
                    out.append(AnswerUnit(text: s, kind: .prose, ordinal: out.count, paragraph: p))
                }
            }
            return out
        }
    }

    /// The text between blank lines ("\n\n"), found by bytes (Foundation's components(separatedBy:) costs
    /// more than all the rest of sentence splitting).
    static func paragraphs(of text: String) -> [Substring] {
        var out: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let next = utf8.index(after: i)
            if utf8[i] == 10, next < utf8.endIndex, utf8[next] == 10 {
                out.append(text[start..<i])
                i = utf8.index(after: next)
                start = i
                continue
            }
            i = next
        }
        out.append(text[start..<utf8.endIndex])
        return out
    }

    /// Sentences of one paragraph, whitespace normalised. Joining them with spaces gives back every word.
    /// Works on Unicode scalars (grapheme clusters cost ten times as much here, and the marks that end
    /// or start a sentence are single scalars).
    public static func sentences(_ paragraph: some StringProtocol) -> [String] {
        var chars: [Unicode.Scalar] = []
        var positions: [String.Index] = []
        chars.reserveCapacity(paragraph.utf8.count)
        positions.reserveCapacity(paragraph.utf8.count)
        let scalars = paragraph.unicodeScalars
        var p = scalars.startIndex
        while p < scalars.endIndex {
            chars.append(scalars[p])
            positions.append(p)
            p = scalars.index(after: p)
        }
        positions.append(scalars.endIndex)
        var out: [String] = []
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            var a = start, b = end
            while a < b, isSpace(chars[a]) { a += 1 }
            while b > a, isSpace(chars[b - 1]) { b -= 1 }
            start = end
            guard a < b else { return }
            // Most sentences need no whitespace collapsing: slice them as they stand.
            var clean = true
            for k in a..<b where isSpace(chars[k]) && (chars[k] != " " || isSpace(chars[k + 1])) {
                clean = false
                break
            }
            if clean {
                out.append(String(paragraph[positions[a]..<positions[b]]))
                return
            }
            var view = String.UnicodeScalarView()
            var pendingSpace = false
            for c in chars[a..<b] {
                if isSpace(c) {
                    pendingSpace = true
                } else {
                    if pendingSpace { view.append(" ") }
                    pendingSpace = false
                    view.append(c)
                }
            }
            out.append(String(view))
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n", i + 1 < chars.count, chars[i + 1] == "\n" {
                flush(i)
            } else if c == "." || c == "!" || c == "?" || c == "。" {
                // Take closing quotes/brackets with the sentence.
                var j = i + 1
                while j < chars.count, closers.contains(chars[j]) { j += 1 }
                if j >= chars.count { break }
                guard isSpace(chars[j]) else { i += 1; continue }
                var k = j
                while k < chars.count, isSpace(chars[k]) { k += 1 }
                guard k < chars.count else { break }
                let next = chars[k]
                let startsSentence = next.properties.isUppercase || next.properties.numericType != nil
                    || openers.contains(next)
                if startsSentence && !(c == "." && isAbbreviation(chars, before: i))
                    && !(c == "." && isListMarker(chars, from: start, to: i))
                    && !(c == "." && i >= 2 && chars[i - 1] == "." && chars[i - 2] == ".")
                    && !insideParentheses(chars, from: start, at: j) {
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

    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? (c == " " || c == "\n" || c == "\t" || c == "\r" || c.value == 11 || c.value == 12)
                  : c.properties.isWhitespace
    }

    static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "”", "’"]
    static let openers: Set<Unicode.Scalar> = ["\"", "'", "“", "‘", "(", "["]

    /// Whether the mark at `i` stands inside parentheses opened in this sentence and closed soon after:
    /// "(with ALTER TABLE ... ENABLE ROW LEVEL SECURITY)" is one sentence's aside, not two sentences.
    static func insideParentheses(_ chars: [Unicode.Scalar], from start: Int, at i: Int) -> Bool {
        var depth = 0
        for c in chars[start..<i] {
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
        }
        guard depth > 0 else { return false }
        var k = i + 1
        while k < chars.count, k <= i + 300 {
            if chars[k] == ")" { return true }
            k += 1
        }
        return false
    }

    /// Whether the sentence so far is only an ordered list item's marker ("2.", "b.", "iv."): the item's
    /// text follows it.
    static func isListMarker(_ chars: [Unicode.Scalar], from start: Int, to dot: Int) -> Bool {
        var a = start
        while a < dot, isSpace(chars[a]) { a += 1 }
        let marker = chars[a..<dot]
        guard !marker.isEmpty, marker.count <= 4 else { return false }
        if marker.allSatisfy({ $0.properties.numericType != nil }) { return marker.count <= 3 }
        if marker.count == 1, marker.first!.properties.isAlphabetic { return true }
        return marker.allSatisfy { "ivxIVX".unicodeScalars.contains($0) }
    }

    static func isAbbreviation(_ chars: [Unicode.Scalar], before dot: Int) -> Bool {
        var k = dot - 1
        while k >= 0, chars[k].properties.isAlphabetic || chars[k] == "." { k -= 1 }
        let word = String(String.UnicodeScalarView(chars[(k + 1)..<dot])).lowercased()
        if word.isEmpty { return false }
        if abbreviations.contains(word) { return true }
        // A lone capital ("J. Smith") is an initial.
        return word.unicodeScalars.count == 1 && chars[dot - 1].properties.isUppercase
    }
}
