// Turns a file's bytes into clean text: UTF-16 with a BOM decoded, invalid UTF-8 repaired (never fatal),
// CRLF and lone CR made LF, NULs dropped; binary files recognised and refused with a reason.

import Foundation

public enum SkipReason: Error, Equatable, CustomStringConvertible, Sendable {
    case unsupportedType(String)
    case binary
    case tooLarge(bytes: Int, limit: Int)
    case empty
    case unreadable(String)
    case noText
    /// Written by a documentation generator, not a person: an index, a search page, a source listing.
    case generated(String)
    /// The extracted text is another file's (which is indexed).
    case duplicate(of: String)

    public var description: String {
        switch self {
        case .unsupportedType(let ext): return ext.isEmpty ? "no file extension (reads .md, .html, .htm, .txt)"
                                                           : "unsupported type .\(ext) (reads .md, .html, .htm, .txt)"
        case .binary: return "binary content, not text"
        case .tooLarge(let bytes, let limit):
            return "too large (\(bytes / 1_048_576) MB; the limit is \(limit / 1_048_576) MB)"
        case .empty: return "empty file"
        case .unreadable(let why): return "unreadable: \(why)"
        case .noText: return "no text found"
        case .generated(let what): return what
        case .duplicate(let original): return "duplicate (same text as \(original))"
        }
    }
}

public enum SourceDecoder {
    /// Files above this are skipped: a documentation page is rarely over a few MB, and a 50 MB "page"
    /// is almost always a dump or a log that would swamp the index.
    public static let defaultSizeLimit = 16 * 1_048_576

    public static func decode(_ data: Data) throws(SkipReason) -> String {
        if data.isEmpty { throw .empty }
        let text: String
        if data.starts(with: [0xFF, 0xFE]) {
            text = String(decoding: utf16Units(data.dropFirst(2), littleEndian: true), as: UTF16.self)
        } else if data.starts(with: [0xFE, 0xFF]) {
            text = String(decoding: utf16Units(data.dropFirst(2), littleEndian: false), as: UTF16.self)
        } else {
            if looksBinary(data) { throw .binary }
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            text = String(decoding: body, as: UTF8.self)
        }
        return normalizingLineEndsAndNULs(text)
    }

    /// CRLF and lone CR made LF, NULs dropped, scalar by scalar: String and Foundation compare whole
    /// characters, and a NUL or CR followed by a combining mark (U+0A41, say) is one character with it,
    /// so `replacingOccurrences(of: "\0", ...)` left such a NUL in the text (found by fuzzing).
    static func normalizingLineEndsAndNULs(_ text: String) -> String {
        var text = text
        let clean = text.withUTF8 { b in
            b.isEmpty || (memchr(b.baseAddress!, 0x0D, b.count) == nil && memchr(b.baseAddress!, 0, b.count) == nil)
        }
        guard !clean else { return text }
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n" && afterCR { continue }
            if scalar == "\r" { out.append("\n") } else if scalar != "\0" { out.append(scalar) }
        }
        return String(out)
    }

    static func utf16Units(_ bytes: Data, littleEndian: Bool) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var it = bytes.makeIterator()
        while let a = it.next(), let b = it.next() {
            units.append(littleEndian ? UInt16(a) | UInt16(b) << 8 : UInt16(a) << 8 | UInt16(b))
        }
        return units
    }

    /// Binary if the first 8 KB hold NULs or many control bytes (text files have neither).
    static func looksBinary(_ data: Data) -> Bool {
        let head = data.prefix(8192)
        var control = 0
        var nul = 0
        head.withUnsafeBytes { bytes in  // not Data's iterator: a call per byte
            for byte in bytes {
                if byte == 0 { nul += 1 }
                else if byte < 32 && byte != 9 && byte != 10 && byte != 13 && byte != 12 { control += 1 }
            }
        }
        return nul > head.count / 100 || control > head.count / 20
    }
}
