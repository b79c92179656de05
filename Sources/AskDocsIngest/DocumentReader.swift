// The entry point of ingest: picks the reader for a file by its extension and turns bytes into a Document,
// or says in one line why the file is skipped.

import AskDocsCore
import Foundation

public enum DocumentFormat: String, Sendable, CaseIterable {
    case markdown, html, text

    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "html", "htm", "xhtml": self = .html
        case "txt", "text": self = .text
        default: return nil
        }
    }
}

public enum DocumentReader {
    /// Parses `data` read from `source` (the path relative to the corpus root).
    public static func read(_ data: Data, source: String,
                            sizeLimit: Int = SourceDecoder.defaultSizeLimit) throws(SkipReason) -> Document {
        guard let format = DocumentFormat(path: source) else {
            throw .unsupportedType((source as NSString).pathExtension.lowercased())
        }
        if data.count > sizeLimit { throw .tooLarge(bytes: data.count, limit: sizeLimit) }
        let text = try SourceDecoder.decode(data)
        if text.allSatisfy(\.isWhitespace) { throw .empty }
        let doc: Document
        switch format {
        case .markdown: doc = MarkdownReader.read(text, source: source)
        case .html: doc = HTMLReader.read(text, source: source)
        case .text: doc = TextReader.read(text, source: source)
        }
        if doc.sections.isEmpty { throw .noText }
        return doc
    }
}
