// Splits text into the same tokens SQLite's unicode61 tokenizer makes (letters, digits and private-use
// characters; everything else separates; case and diacritics folded), so that ranking in Swift sees
// exactly the words FTS5 matched.

import Foundation

public struct Token: Sendable, Equatable {
    /// Lower-cased, diacritics removed.
    public var text: String
    /// Where the token stands in the original string.
    public var range: Range<String.Index>
    /// 0-based token position, for proximity.
    public var position: Int
}

public enum Tokenizer {
    @inline(__always)
    static func isTokenScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }

    /// Tokens with their positions and ranges in `text`.
    public static func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity(text.utf8.count / 5)
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        var position = 0
        while i < scalars.endIndex {
            if !isTokenScalar(scalars[i]) {
                i = scalars.index(after: i)
                continue
            }
            let start = i
            var ascii = true
            while i < scalars.endIndex, isTokenScalar(scalars[i]) {
                if !scalars[i].isASCII { ascii = false }
                i = scalars.index(after: i)
            }
            let range = start..<i
            out.append(Token(text: fold(text[range], ascii: ascii), range: range, position: position))
            position += 1
        }
        return out
    }

    /// Just the folded words.
    public static func words(_ text: String) -> [String] { tokens(text).map(\.text) }

    static func fold(_ s: Substring, ascii: Bool) -> String {
        if ascii { return s.lowercased() }
        return s.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }
}
