// Reads Markdown with cmark-gfm (CommonMark plus GitHub's table extension): YAML front matter for
// title/date/tags/url, one section per heading with its path and GitHub-style anchor, code blocks whole,
// table rows with their column headers, list items as their own paragraphs.

import AskDocsCore
import CCmarkGFM
import Foundation

public enum MarkdownReader {
    public static func read(_ text: String, source: String) -> Document {
        let (meta, body) = FrontMatter.split(text)
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else {
            return Document(source: source, title: meta.title ?? source, sections: [])
        }
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") { cmark_parser_attach_syntax_extension(parser, table) }
        body.utf8CString.withUnsafeBufferPointer { buf in
            cmark_parser_feed(parser, buf.baseAddress, buf.count - 1)
        }
        guard let root = cmark_parser_finish(parser) else {
            return Document(source: source, title: meta.title ?? source, sections: [])
        }
        defer { cmark_node_free(root) }

        var title = meta.title
        var sections = [Section(headingPath: [])]
        var path: [(level: Int32, text: String)] = []
        var seenAnchors: [String: Int] = [:]

        func append(_ block: Block) {
            guard !block.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
            sections[sections.count - 1].blocks.append(block)
        }

        func walkBlocks(_ first: OpaquePointer?) {
            var node = first
            while let n = node {
                let type = cmark_node_get_type(n)
                let typeName = String(cString: cmark_node_get_type_string(n))
                if type == CMARK_NODE_HEADING {
                    let level = cmark_node_get_heading_level(n)
                    let heading = inlineText(n).trimmingCharacters(in: .whitespaces)
                    if level == 1 && title == nil && sections.count == 1 && sections[0].blocks.isEmpty {
                        title = heading
                    } else if !heading.isEmpty {
                        while let last = path.last, last.level >= level { path.removeLast() }
                        path.append((level, heading))
                        var anchor = TextReader.anchor(for: heading)
                        if let n = seenAnchors[anchor] { seenAnchors[anchor] = n + 1; anchor += "-\(n + 1)" }
                        else { seenAnchors[anchor] = 0 }
                        sections.append(Section(headingPath: path.map(\.text), anchor: anchor))
                    }
                } else if type == CMARK_NODE_PARAGRAPH {
                    append(Block(.prose, inlineText(n)))
                } else if type == CMARK_NODE_CODE_BLOCK {
                    let code = cmark_node_get_literal(n).map { String(cString: $0) } ?? ""
                    append(Block(.code, code.trimmingTrailingWhitespace()))
                } else if typeName == "table" {
                    tableRows(n).forEach { append(Block(.tableRow, $0)) }
                } else if type == CMARK_NODE_LIST || type == CMARK_NODE_ITEM || type == CMARK_NODE_BLOCK_QUOTE {
                    walkBlocks(cmark_node_first_child(n))
                } else if type == CMARK_NODE_HTML_BLOCK {
                    // Raw HTML in Markdown: keep its text, drop the tags.
                    let html = cmark_node_get_literal(n).map { String(cString: $0) } ?? ""
                    let text = HTMLReader.plainText(ofFragment: html)
                    if !text.isEmpty { append(Block(.prose, text)) }
                }
                node = cmark_node_next(n)
            }
        }
        walkBlocks(cmark_node_first_child(root))
        sections.removeAll { $0.blocks.isEmpty }
        return Document(source: source, title: title ?? TextReader.fallbackTitle(source), date: meta.date,
                        url: meta.url, tags: meta.tags, sections: sections)
    }

    /// The text of a node's inline children: literals, code spans, link and image text; breaks as spaces.
    static func inlineText(_ node: OpaquePointer) -> String {
        var out = ""
        func walk(_ n: OpaquePointer) {
            let type = cmark_node_get_type(n)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
                if let lit = cmark_node_get_literal(n) { out += String(cString: lit) }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                out += " "
            } else if type == CMARK_NODE_HTML_INLINE {
                return
            }
            var child = cmark_node_first_child(n)
            while let c = child {
                walk(c)
                child = cmark_node_next(c)
            }
        }
        var child = cmark_node_first_child(node)
        while let c = child {
            walk(c)
            child = cmark_node_next(c)
        }
        return out.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func tableRows(_ table: OpaquePointer) -> [String] {
        var headers: [String] = []
        var rows: [String] = []
        var row = cmark_node_first_child(table)
        while let r = row {
            var cells: [String] = []
            var cell = cmark_node_first_child(r)
            while let c = cell {
                cells.append(inlineText(c))
                cell = cmark_node_next(c)
            }
            if cmark_gfm_extensions_get_table_row_is_header(r) != 0 {
                headers = cells
            } else {
                rows.append(TableRowFormatter.format(headers: headers, cells: cells))
            }
            row = cmark_node_next(r)
        }
        return rows
    }
}

/// YAML front matter of the flat kind blogs use (`key: value`, `[a, b]` or `- item` lists).
/// Unknown keys and nested structures are ignored rather than rejected.
public struct FrontMatter: Sendable, Equatable {
    public var title: String?
    public var date: String?
    public var url: String?
    public var tags: [String] = []

    public static func split(_ text: String) -> (FrontMatter, String) {
        var meta = FrontMatter()
        guard text.hasPrefix("---\n") else { return (meta, text) }
        let rest = text.dropFirst(4)
        guard let end = rest.range(of: "\n---\n") ?? rest.range(of: "\n---", options: .anchored)
                ?? (rest.hasSuffix("\n---") ? rest.range(of: "\n---", options: .backwards) : nil) else {
            return (meta, text)
        }
        let yaml = rest[..<end.lowerBound]
        var currentKey = ""
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("  - ") || line.hasPrefix("- ") {
                if currentKey == "tags" || currentKey == "categories" {
                    meta.tags.append(unquote(line.drop { $0 == " " || $0 == "-" }))
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            currentKey = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = unquote(line[line.index(after: colon)...])
            switch currentKey {
            case "title": meta.title = value.isEmpty ? nil : value
            case "date": meta.date = value.isEmpty ? nil : value
            case "url", "permalink", "canonical_url": meta.url = value.isEmpty ? nil : value
            case "tags", "keywords":
                if value.hasPrefix("[") {
                    meta.tags = value.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                        .split(separator: ",").map { unquote($0) }.filter { !$0.isEmpty }
                } else if !value.isEmpty {
                    meta.tags = value.split(separator: ",").map { unquote($0) }
                }
            default: break
            }
        }
        return (meta, String(rest[end.upperBound...]))
    }

    static func unquote<S: StringProtocol>(_ s: S) -> String {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.count >= 2, let f = t.first, let l = t.last, (f == "\"" && l == "\"") || (f == "'" && l == "'") {
            t = String(t.dropFirst().dropLast())
        }
        return t
    }
}
