// Runs of whitespace collapsed to one space, by UTF-8 bytes: readers do this to every text node, and the
// Character-based `split(whereSeparator: \.isWhitespace)` cost 15% of an index build in grapheme breaking.

public enum Whitespace {
    /// `text` with leading and trailing whitespace removed and each inner run made one space. Whitespace is
    /// what `Character.isWhitespace` calls so for single scalars: ASCII tab to CR and space, NEL, NBSP,
    /// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
    public static func collapsed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            let n = bytes.count
            // Already collapsed (the common case for short texts): return it without copying.
            var clean = true
            var previousSpace = true
            var i = 0
            while i < n {
                let width = whitespaceWidth(bytes, at: i)
                if width > 0 {
                    if width > 1 || bytes[i] != 0x20 || previousSpace { clean = false; break }
                    previousSpace = true
                    i += 1
                } else {
                    previousSpace = false
                    i += 1
                }
            }
            if clean && !(n > 0 && previousSpace) { return String(decoding: bytes, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: n) { out in
                var count = 0
                var pendingSpace = false
                var i = 0
                while i < n {
                    let width = whitespaceWidth(bytes, at: i)
                    if width > 0 {
                        pendingSpace = count > 0
                        i += width
                        continue
                    }
                    if pendingSpace {
                        out[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    out[count] = bytes[i]
                    count += 1
                    i += 1
                }
                return count
            }
        }
    }

    /// The byte length of the whitespace scalar starting at `i`, or 0.
    @inline(__always)
    static func whitespaceWidth(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = b[i]
        if c == 0x20 || (c >= 0x09 && c <= 0x0D) { return 1 }
        if c < 0xC2 { return 0 }
        let n = b.count
        if c == 0xC2, i + 1 < n { return b[i + 1] == 0x85 || b[i + 1] == 0xA0 ? 2 : 0 }
        guard c == 0xE1 || c == 0xE2 || c == 0xE3, i + 2 < n else { return 0 }
        let (x, y) = (b[i + 1], b[i + 2])
        switch c {
        case 0xE1: return x == 0x9A && y == 0x80 ? 3 : 0
        case 0xE2:
            if x == 0x80 { return (y >= 0x80 && y <= 0x8A) || y == 0xA8 || y == 0xA9 || y == 0xAF ? 3 : 0 }
            return x == 0x81 && y == 0x9F ? 3 : 0
        default: return x == 0x80 && y == 0x80 ? 3 : 0
        }
    }
}
