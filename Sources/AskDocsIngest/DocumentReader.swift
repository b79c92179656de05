// The entry point of ingest: picks the reader for a file by its extension and turns bytes into a Document,
// or says in one line why the file is skipped.

import AskDocsCore
import Foundation

public enum DocumentFormat: String, Sendable, CaseIterable {
    case markdown, html, text

    public init?(path: String) {
        switch Self.fileExtension(of: path) {
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "txt", "text": self = .text
        default: return nil
        }
    }

    /// The last path component's extension, lower-cased ("" for none or a leading-dot name): by bytes,
    /// because a scan asks this of every file and NSString.pathExtension cost a third of a no-change run.
    public static func fileExtension(of path: String) -> String {
        let bytes = path.utf8
        let nameStart = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        guard let dot = bytes[nameStart...].lastIndex(of: UInt8(ascii: ".")), dot != nameStart else { return "" }
        let ext = bytes[bytes.index(after: dot)...]
        return String(decoding: ext.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

public enum DocumentReader {
    /// Parses `data` read from `source` (the path relative to the corpus root). A page a generator wrote
    /// (an index, a search page, a source listing) is refused unless `acceptGenerated`.
    public static func read(_ data: Data, source: String, sizeLimit: Int = SourceDecoder.defaultSizeLimit,
                            acceptGenerated: Bool = false) throws(SkipReason) -> Document {
        guard let format = DocumentFormat(path: source) else {
            throw .unsupportedType(DocumentFormat.fileExtension(of: source))
        }
        if data.count > sizeLimit { throw .tooLarge(bytes: data.count, limit: sizeLimit) }
        let text = try SourceDecoder.decode(data)
        if text.allSatisfy(\.isWhitespace) { throw .empty }
        let doc: Document
        switch format {
        case .markdown: doc = MarkdownReader.read(text, source: source)
        case .html:
            let page = HTMLReader.readPage(text, source: source)
            if let generated = page.generated, !acceptGenerated { throw .generated(generated) }
            doc = page.document
        case .text: doc = TextReader.read(text, source: source)
        }
        if doc.sections.isEmpty { throw .noText }
        return doc.withoutRepeatedTitle()
    }
}

extension Document {
    /// The document with its title said once: a section path that opens with the title ("Meta options ›
    /// Meta options › ordering", a Markdown post with a front-matter title and the same H1) drops it, and a
    /// heading repeated by its own subheading is kept once.
    public func withoutRepeatedTitle() -> Document {
        func key(_ s: String) -> String {
            s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                .trimmingCharacters(in: CharacterSet(charactersIn: "¶#:.").union(.whitespaces))
        }
        var copy = self
        copy.sections = sections.map { section in
            var path: [String] = []
            for heading in section.headingPath where key(heading) != key(path.last ?? title) {
                path.append(heading)
            }
            var s = section
            s.headingPath = path
            return s
        }
        return copy
    }
}
