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

    /// Tokens with their positions and ranges in `text`. Walks the UTF-8 bytes, decoding a scalar only
    /// where a byte is not ASCII: this runs over every chunk at index time and over answer sentences at
    /// query time.
    public static func tokens(_ text: String) -> [Token] {
        let utf8 = text.utf8
        let scalars = text.unicodeScalars
        var out: [Token] = []
        out.reserveCapacity(utf8.count / 6)
        var position = 0
        var i = utf8.startIndex
        let end = utf8.endIndex
        @inline(__always) func isASCIIWordByte(_ b: UInt8) -> Bool {
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
        }
        while i < end {
            let b = utf8[i]
            if b < 0x80 {
                if !isASCIIWordByte(b) { i = utf8.index(after: i); continue }
            } else if !isTokenScalar(scalars[i]) {
                i = scalars.index(after: i)
                continue
            }
            let start = i
            var ascii = true
            while i < end {
                let c = utf8[i]
                if c < 0x80 {
                    guard isASCIIWordByte(c) else { break }
                    i = utf8.index(after: i)
                } else {
                    guard isTokenScalar(scalars[i]) else { break }
                    ascii = false
                    i = scalars.index(after: i)
                }
            }
            let range = start..<i
            let folded: String
            if ascii {
                let bytes = utf8[range]
                folded = String(unsafeUninitializedCapacity: bytes.count) { buffer in
                    var n = 0
                    for c in bytes {
                        buffer[n] = (c >= 65 && c <= 90) ? c | 0x20 : c
                        n += 1
                    }
                    return n
                }
            } else {
                folded = fold(text[range], ascii: false)
            }
            out.append(Token(text: folded, range: range, position: position))
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
