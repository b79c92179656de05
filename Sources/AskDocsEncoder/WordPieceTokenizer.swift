// BERT's tokenizer, as the model was trained with it: the basic tokenizer (control characters dropped,
// whitespace normalised, CJK ideographs split apart, lower-casing with accents stripped, punctuation split
// off) then WordPiece's greedy longest-match over `vocab.txt`, with `[CLS]` and `[SEP]` around the ids.

import Foundation

public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int32]
    public let lowercase: Bool
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    /// A word longer than this (in characters) is one unknown token, as in BERT.
    static let maxWordCharacters = 100

    public enum LoadError: Error, CustomStringConvertible {
        case missingToken(String)
        public var description: String {
            switch self {
            case .missingToken(let t): return "the vocabulary has no \(t) token"
            }
        }
    }

    /// `vocab.txt`: one token per line, its line number its id.
    public init(vocabularyText: String, lowercase: Bool = true) throws {
        var vocabulary: [String: Int32] = [:]
        var id: Int32 = 0
        text: for line in vocabularyText.split(separator: "\n", omittingEmptySubsequences: false) {
            var token = String(line)
            if token.hasSuffix("\r") { token.removeLast() }
            if token.isEmpty, id > 0 {
                // A trailing newline ends the file; an empty line inside it would still hold an id.
                id += 1
                continue text
            }
            if vocabulary[token] == nil { vocabulary[token] = id }
            id += 1
        }
        guard let unk = vocabulary["[UNK]"] else { throw LoadError.missingToken("[UNK]") }
        guard let cls = vocabulary["[CLS]"] else { throw LoadError.missingToken("[CLS]") }
        guard let sep = vocabulary["[SEP]"] else { throw LoadError.missingToken("[SEP]") }
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        unknownID = unk
        classifierID = cls
        separatorID = sep
    }

    /// The special tokens, which the reference tokenizer matches in the raw text before anything else.
    static let specialTokens = ["[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]"]

    /// `[CLS] pieces… [SEP]`, at most `maxLength` ids (the text is cut, the markers kept).
    public func ids(_ text: String, maxLength: Int = 256) -> [Int32] {
        var out: [Int32] = [classifierID]
        let budget = max(maxLength - 2, 0)
        for id in pieces(text) {
            if out.count - 1 >= budget { break }
            out.append(id)
        }
        out.append(separatorID)
        return out
    }

    /// The ids of `text` without the markers; a special token written in the text ("[SEP]") is that token.
    func pieces(_ text: String) -> [Int32] {
        guard text.contains("[") else { return basicTokens(text).flatMap(wordPieces) }
        var out: [Int32] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let next = Self.specialTokens.compactMap { token in rest.range(of: token).map { (token, $0) } }
                .filter { vocabulary[$0.0] != nil }.min { $0.1.lowerBound < $1.1.lowerBound }
            guard let (token, range) = next else {
                out += basicTokens(String(rest)).flatMap(wordPieces)
                break
            }
            out += basicTokens(String(rest[..<range.lowerBound])).flatMap(wordPieces)
            out.append(vocabulary[token]!)
            rest = rest[range.upperBound...]
        }
        return out
    }

    /// The basic tokenizer's words: each a run of letters/digits or one punctuation character.
    public func basicTokens(_ text: String) -> [[Unicode.Scalar]] {
        // Clean: drop NUL, U+FFFD and control characters; whitespace becomes a space; CJK ideographs stand alone.
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) {
                cleaned.append(" ")
            } else if Self.isCJK(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func flushWord() {
            guard !current.isEmpty else { return }
            var word = current
            current.removeAll(keepingCapacity: true)
            if lowercase { word = Self.lowercasedStrippingAccents(word) }
            // Punctuation splits a word: each punctuation character is a token of its own.
            var piece: [Unicode.Scalar] = []
            for s in word {
                if Self.isPunctuation(s) {
                    if !piece.isEmpty { words.append(piece); piece.removeAll() }
                    words.append([s])
                } else {
                    piece.append(s)
                }
            }
            if !piece.isEmpty { words.append(piece) }
        }
        for s in cleaned {
            if s == " " { flushWord() } else { current.append(s) }
        }
        flushWord()
        return words
    }

    /// Greedy longest-match-first pieces of one word; the whole word is `[UNK]` if any part matches nothing.
    func wordPieces(_ word: [Unicode.Scalar]) -> [Int32] {
        if word.count > Self.maxWordCharacters { return [unknownID] }
        var out: [Int32] = []
        var start = 0
        var key = String.UnicodeScalarView()
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: "##".unicodeScalars) }
                key.append(contentsOf: word[start..<end])
                if let id = vocabulary[String(key)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unknownID] }
            out.append(id)
            start = end
        }
        return out
    }

    static func lowercasedStrippingAccents(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: word)
        let lowered = String(s).lowercased().decomposedStringWithCanonicalMapping
        return lowered.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        // BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`" too).
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
