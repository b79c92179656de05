// Reads HTML with libxml2's tolerant HTML parser: the title, h1–h4 as sections with their ids as anchors,
// paragraphs, list items, code blocks whole, table rows with headers. Drops what is not the page's
// content: script/style/nav/header/footer/aside/forms, sidebars, "related" and breadcrumb bars, tables
// of contents, share and cookie boxes, and the ¶ permalinks next to headings.

import AskDocsCore
import CLibXML2
import Foundation

public enum HTMLReader {
    static let skippedTags: Set<String> = [
        "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template", "iframe",
        "button", "select", "textarea", "object", "embed", "canvas", "head", "map", "dialog", "menu",
    ]
    /// An `<aside>` is page furniture unless its class says it is the text's own box: Sphinx renders
    /// topic boxes (a guide's Abstract) and footnotes as `<aside class="topic">`, `<aside class="footnote">`.
    static let contentAsideClasses: Set<String> = admonitionClasses.union(["topic", "footnote", "footnote-list"])
    static let skippedClassTokens: Set<String> = [
        "sidebar", "sphinxsidebar", "sphinxsidebarwrapper", "related", "breadcrumb", "breadcrumbs", "toc",
        "navbar", "nav", "navigation", "menu", "footer", "share", "sharing", "social", "comments", "comment",
        "cookie", "cookies", "banner", "advert", "ads", "headerlink", "skip-link", "skiplink", "pagination",
        "edit-this-page", "prev-next", "prevnext", "newsletter", "subscribe", "site-header", "site-footer",
        "masthead", "searchbox", "search", "mobile-nav", "toctree-wrapper", "visually-hidden", "sr-only",
        // Sphinx's "See also" box: links elsewhere, which as an answer only say "look there".
        "seealso",
        // DocBook's previous/up/next bars, which name the neighbouring pages' titles on every page.
        "navheader", "navfooter",
        // What a site marks as not for its own search (SQLite's `nosearch`: the title banner and table of
        // contents), and a site's tagline on every page ("Small. Fast. Reliable. Choose any three.").
        "nosearch", "tagline", "fancy_toc",
    ]
    static let skippedRoles: Set<String> = ["navigation", "banner", "contentinfo", "search", "complementary"]
    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "li", "dd", "dt", "blockquote", "figcaption", "caption", "ul",
        "ol", "dl", "h5", "h6", "br", "hr", "address", "details", "summary", "body", "center", "td", "th", "tr",
    ]
    /// A definition term longer than this is prose, not the name of an entry.
    static let maxEntryCharacters = 240

    /// A node's tag name, lower-cased; empty for text, comments and other non-elements.
    static func elementName(_ node: xmlNodePtr) -> String {
        node.pointee.type == XML_ELEMENT_NODE ? node.pointee.name.map { String(cString: $0).lowercased() } ?? "" : ""
    }

    /// The consecutive `<dt>`s from `first` up to the next `<dd>` (or other element): their texts, empty
    /// ones left out, and how many there were.
    static func termRun(from first: xmlNodePtr) -> (texts: [String], count: Int) {
        var terms: [String] = []
        var count = 0
        var node: xmlNodePtr? = first
        while let n = node {
            defer { node = n.pointee.next }
            let name = elementName(n)
            if name.isEmpty { continue }  // whitespace and comments between the terms
            guard name == "dt" else { break }
            count += 1
            let text = Whitespace.collapsed(self.text(of: n).replacingOccurrences(of: "¶", with: ""))
            if !text.isEmpty { terms.append(text) }
        }
        return (terms, count)
    }
    /// Deeper nesting than this is not content (and would risk the stack); its text still counts.
    static let maxDepth = 400

    public static func read(_ html: String, source: String) -> Document { readPage(html, source: source).document }

    /// The page, and what it is when a generator wrote it rather than a person (a generated index, a
    /// search page, a source listing, an error page): such a page is not indexed, whatever its name.
    public static func readPage(_ html: String, source: String) -> (document: Document, generated: String?) {
        guard let doc = parse(html) else {
            return (Document(source: source, title: TextReader.fallbackTitle(source), sections: []), nil)
        }
        defer { xmlFreeDoc(doc) }
        var builder = Builder()
        // A page with several <h1> (SQLite's "1. Overview", "2. How WAL Works") sections by them: its
        // title is the <title>.
        builder.h1sAreSections = hasSeveralH1(html)
        if let root = xmlDocGetRootElement(doc) { builder.walk(root, depth: 0) }
        builder.flush()
        let title = builder.h1Title ?? builder.htmlTitle.map(cleanTitle) ?? TextReader.fallbackTitle(source)
        var sections = builder.sections.filter { !$0.blocks.isEmpty }
        if sections.isEmpty {
            // libxml2 gives up on pathological pages (nesting thousands deep); keep their visible text.
            let text = strippedText(html)
            if !text.isEmpty { sections = [Section(headingPath: [], blocks: [Block(.prose, text)])] }
        }
        let url = builder.canonicalURL.map { Whitespace.collapsed($0) }.flatMap(absoluteURL)
        let document = Document(source: source, title: title, url: url, sections: sections)
        return (document, builder.generatedPage ?? errorPage(document))
    }

    /// An absolute URL (a scheme before "://", or `file:`), without its fragment; nil for a relative one.
    static func absoluteURL(_ s: String) -> String? {
        guard let colon = s.firstIndex(of: ":"), s[..<colon].allSatisfy({ $0.isLetter || $0 == "+" || $0 == "-" }),
              s.distance(from: s.startIndex, to: colon) > 1, !s.contains(" ") else { return nil }
        return s.firstIndex(of: "#").map { String(s[..<$0]) } ?? s
    }

    /// A "404 — Page not found" page a site generator writes for its server (MkDocs' 404.html).
    static func errorPage(_ document: Document) -> String? {
        let title = document.title.lowercased()
        let says404 = title.hasPrefix("404") || title.hasSuffix(" 404") || title == "page not found" || title == "not found"
        guard says404 else { return nil }
        let textLength = document.sections.reduce(0) { $0 + $1.blocks.reduce(0) { $0 + $1.text.count } }
        return textLength < 400 ? "error page (404)" : nil
    }

    /// Classes and ids by which generators mark pages they compose: Sphinx's general and module indexes
    /// (`genindextable`, `modindextable`, `indextable`, `genindex-jumpbox`), search pages filled in by a
    /// script (`search-results`, MkDocs' `mkdocs-search-results`), and source listings with links back to
    /// the documentation (Sphinx viewcode's `viewcode-back`).
    static let generatedPageMarkers: [String: String] = [
        "genindextable": "generated index page (a list of links to entries)",
        "genindex-jumpbox": "generated index page (a list of links to entries)",
        "indextable": "generated index page (a list of links to entries)",
        "modindextable": "generated index page (a list of links to entries)",
        "search-results": "search page (filled in by a script)",
        "mkdocs-search-results": "search page (filled in by a script)",
        "viewcode-back": "source listing page (highlighted code)",
    ]

    static func generatedPageMarker(_ n: xmlNodePtr) -> String? {
        for key in ["class", "id"] {
            guard let value = attribute(n, key) else { continue }
            for token in value.split(separator: " ") {
                if let kind = generatedPageMarkers[String(token)] { return kind }
            }
        }
        return nil
    }

    /// The visible text of an HTML fragment (for raw HTML inside Markdown).
    public static func plainText(ofFragment html: String) -> String {
        guard let doc = parse(html) else { return "" }
        defer { xmlFreeDoc(doc) }
        var builder = Builder()
        if let root = xmlDocGetRootElement(doc) { builder.walk(root, depth: 0) }
        builder.flush()
        return builder.sections.flatMap(\.blocks).map(\.text).joined(separator: " ")
    }

    /// Tag-stripped text, the fallback when the parser yields nothing.
    static func strippedText(_ html: String) -> String {
        var out = ""
        var inTag = false
        var skipping: String?
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<" {
                let rest = html[i...].prefix(10).lowercased()
                if skipping == nil, rest.hasPrefix("<script") { skipping = "</script" }
                else if skipping == nil, rest.hasPrefix("<style") { skipping = "</style" }
                else if let end = skipping, rest.hasPrefix(end) { skipping = nil }
                inTag = true
                out.append(" ")
            } else if c == ">" {
                inTag = false
            } else if !inTag && skipping == nil {
                out.append(c)
            }
            i = html.index(after: i)
        }
        return Whitespace.collapsed(out)
    }

    static func parse(_ html: String) -> htmlDocPtr? {
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOBLANKS.rawValue | XML_PARSE_HUGE.rawValue)
        return html.utf8CString.withUnsafeBufferPointer { buf in
            htmlReadMemory(buf.baseAddress, Int32(buf.count - 1), nil, "UTF-8", options)
        }
    }

    /// "3. Tutorial — Python 3.11 documentation" → "3. Tutorial".
    static func hasSeveralH1(_ html: String) -> Bool {
        var count = 0
        var bytes = html.utf8.makeIterator()
        // "<h1" followed by ">" or whitespace, any case, counted on bytes: pages run to megabytes.
        var state = 0
        while let b = bytes.next() {
            switch (state, b) {
            case (_, 0x3C): state = 1
            case (1, 0x68), (1, 0x48): state = 2
            case (2, 0x31): state = 3
            case (3, 0x3E), (3, 0x20), (3, 0x09), (3, 0x0A), (3, 0x0D):
                count += 1
                if count > 1 { return true }
                state = 0
            default: state = 0
            }
        }
        return false
    }

    static func cleanTitle(_ title: String) -> String {
        let t = Whitespace.collapsed(title)
        for sep in [" — ", " | ", " – ", " :: "] {
            if let r = t.range(of: sep, options: .backwards), t.distance(from: t.startIndex, to: r.lowerBound) > 3 {
                return String(t[..<r.lowerBound])
            }
        }
        return t
    }

    struct Builder {
        var sections = [Section(headingPath: [])]
        var path: [(level: Int, text: String)] = []
        var inline = ""
        var htmlTitle: String?
        var h1Title: String?
        var h1sAreSections = false
        /// Set when the page shows a generator's mark (see `generatedPageMarkers`).
        var generatedPage: String?
        var canonicalURL: String?

        /// How many admonition boxes (Note, Tip, Warning) the walk is inside: a heading there titles the box,
        /// not a section, and the text after the box still belongs to the section before it.
        var admonitionDepth = 0
        /// The box's title ("Note"), put before its first paragraph.
        var pendingLabel: String?
        /// An ordered list item's marker ("2."), put before the item's first paragraph.
        var pendingMarker: String?

        /// Terms of the definition-list entries the walk is inside, innermost last (a method's signature
        /// inside its class's entry).
        var entries: [String] = []

        /// The lists the walk is inside, innermost last: an ordered list's next item marker, nil for an
        /// unordered one. Text refers to the numbers ("where point 2. consists of", a callout `<2>` in the
        /// example above): its items keep them.
        var lists: [ListMarker?] = []

        mutating func flush() {
            var text = Whitespace.collapsed(inline)
            inline = ""
            guard !text.isEmpty, text != "¶" else { return }
            if let marker = pendingMarker {
                pendingMarker = nil
                text = marker + " " + text
            }
            if let label = pendingLabel {
                pendingLabel = nil
                text = label + ": " + text
            }
            append(.prose, text)
        }

        mutating func append(_ kind: BlockKind, _ text: String, entry: String? = nil) {
            sections[sections.count - 1].blocks.append(Block(kind, text, entry: entry ?? entries.last))
        }

        /// A definition list: each `<dt>` (an API signature in Sphinx or DocBook output, a glossary term)
        /// names the entry its `<dd>` describes. Consecutive terms name one entry together: a manual page's
        /// aliases (`-u`, `--include-untracked`) read "-u, --include-untracked", as its synopsis writes them,
        /// so that an answer quoting the entry shows every spelling the asker may type.
        mutating func visitDefinitionList(_ n: xmlNodePtr, depth: Int) {
            flush()
            var term: String?
            var termsLeftInRun = 0
            var child = n.pointee.children
            while let c = child {
                defer { child = c.pointee.next }
                let name = HTMLReader.elementName(c)
                switch name {
                case "dt":
                    guard termsLeftInRun == 0 else { termsLeftInRun -= 1; continue }
                    let (terms, count) = HTMLReader.termRun(from: c)
                    termsLeftInRun = count - 1
                    guard !terms.isEmpty else { continue }
                    let joined = terms.joined(separator: ", ")
                    // Terms too long to be a name (a paragraph in a <dt>) are text, not an entry's name.
                    if joined.count <= HTMLReader.maxEntryCharacters {
                        term = joined
                        append(.prose, joined, entry: term)
                    } else {
                        term = terms.first { $0.count <= HTMLReader.maxEntryCharacters }
                        for text in terms { append(.prose, text, entry: term) }
                    }
                case "dd":
                    if let term { entries.append(term) }
                    if let grandchild = c.pointee.children { walk(grandchild, depth: depth + 1) }
                    flush()
                    if term != nil { entries.removeLast() }
                default:
                    visit(c, depth: depth)
                    flush()
                }
            }
            flush()
        }

        mutating func walk(_ node: xmlNodePtr, depth: Int) {
            var child: xmlNodePtr? = node
            // Siblings iteratively, children recursively: depth is bounded, breadth is not.
            while let n = child {
                visit(n, depth: depth)
                child = n.pointee.next
            }
        }

        mutating func visit(_ n: xmlNodePtr, depth: Int) {
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let c = n.pointee.content { inline += String(cString: c) }
                return
            case XML_ELEMENT_NODE:
                break
            default:
                return
            }
            let name = n.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if name == "title" {
                if htmlTitle == nil { htmlTitle = HTMLReader.text(of: n) }
                return
            }
            // <head> is skipped, all but its <title>: the title of a page without an <h1> (DocBook's
            // PostgreSQL pages open on an <h2>).
            if name == "head" {
                var child = n.pointee.children
                while let c = child {
                    if c.pointee.type == XML_ELEMENT_NODE, let cn = c.pointee.name {
                        if strcasecmp(cn, "title") == 0 { visit(c, depth: depth + 1) }
                        // Where the page is published: `<link rel="canonical">` first, else Open Graph's `og:url`.
                        if strcasecmp(cn, "link") == 0, HTMLReader.attribute(c, "rel")?.lowercased() == "canonical" {
                            canonicalURL = HTMLReader.attribute(c, "href")
                        } else if strcasecmp(cn, "meta") == 0, canonicalURL == nil,
                                  HTMLReader.attribute(c, "property")?.lowercased() == "og:url" {
                            canonicalURL = HTMLReader.attribute(c, "content")
                        }
                    }
                    child = c.pointee.next
                }
                return
            }
            if generatedPage == nil, n.pointee.properties != nil {
                generatedPage = HTMLReader.generatedPageMarker(n)
            }
            if HTMLReader.skippedTags.contains(name) && !(name == "aside" && HTMLReader.isContentAside(n))
                || HTMLReader.isBoilerplate(n) { return }
            if depth > HTMLReader.maxDepth {
                inline += " " + HTMLReader.text(of: n) + " "
                return
            }
            // AsciiDoc (git's manuals) lays a box out as a table: its kind in an "icon" cell, the text beside it.
            let isIconCell = admonitionDepth > 0 && name == "td" && HTMLReader.hasClass(n, "icon")
            if HTMLReader.isAdmonitionTitle(n) || isIconCell
                || (admonitionDepth > 0 && ["h1", "h2", "h3", "h4", "h5", "h6"].contains(name)) {
                flush()
                let title = Whitespace.collapsed(HTMLReader.text(of: n).replacingOccurrences(of: "¶", with: ""))
                pendingLabel = title.isEmpty ? nil : title
                return
            }
            if HTMLReader.isAdmonition(n) {
                flush()
                admonitionDepth += 1
                if let c = n.pointee.children { walk(c, depth: depth + 1) }
                flush()
                admonitionDepth -= 1
                pendingLabel = nil
                return
            }
            switch name {
            case "h1", "h2", "h3", "h4":
                flush()
                let level = Int(name.dropFirst())!
                let heading = Whitespace.collapsed(HTMLReader.text(of: n).replacingOccurrences(of: "¶", with: ""))
                guard !heading.isEmpty else { return }
                // Sphinx viewcode's and Doxygen's pages of highlighted code.
                if level == 1, heading.hasPrefix("Source code for ") || heading.hasSuffix(" Source File") {
                    generatedPage = generatedPage ?? "source listing page (highlighted code)"
                }
                if level == 1 && h1Title == nil && sections.count == 1 && !(h1sAreSections && htmlTitle != nil) {
                    h1Title = heading
                    return
                }
                // A page without an <h1> whose first heading repeats its <title> (DocBook: "13.3. Explicit
                // Locking" in both) is titled by it, not sectioned: "13.3. Explicit Locking › 13.3. Explicit
                // Locking › 13.3.5. Advisory Locks" would say it twice.
                if h1Title == nil, path.isEmpty, sections.count == 1, let title = htmlTitle,
                   HTMLReader.cleanTitle(title) == heading {
                    h1Title = heading
                    return
                }
                while let last = path.last, last.level >= level { path.removeLast() }
                path.append((level, heading))
                sections.append(Section(headingPath: path.map(\.text), anchor: HTMLReader.anchor(of: n)))
            case "pre":
                flush()
                let code = HTMLReader.text(of: n, keepWhitespace: true).trimmingTrailingWhitespace()
                let trimmed = code.drop { $0 == "\n" }
                if !trimmed.isEmpty { append(.code, String(trimmed)) }
            case "table" where admonitionDepth > 0 && HTMLReader.hasIconCell(n):
                // A box's layout table: its cells are the box's text, not rows of data.
                flush()
                if let c = n.pointee.children { walk(c, depth: depth + 1) }
                flush()
            case "table":
                flush()
                for row in HTMLReader.tableRows(n) { append(.tableRow, row) }
            case "dl":
                visitDefinitionList(n, depth: depth + 1)
            case "ol", "ul":
                flush()
                lists.append(name == "ol" ? ListMarker(n) : nil)
                if let c = n.pointee.children { walk(c, depth: depth + 1) }
                flush()
                lists.removeLast()
            case "li" where (lists.last ?? nil) != nil:
                flush()
                pendingMarker = lists[lists.count - 1]!.next()
                if let c = n.pointee.children { walk(c, depth: depth + 1) }
                flush()
                pendingMarker = nil
            case "img":
                return
            default:
                let isBlock = HTMLReader.blockTags.contains(name)
                if isBlock { flush() }
                if let c = n.pointee.children { walk(c, depth: depth + 1) }
                if isBlock { flush() } else if name == "a" || name == "span" || name == "code" { }
            }
        }
    }

    /// The markers of an ordered list's items: "1.", "2."…, or "a.", "b."… and "i.", "ii."… as its `type`,
    /// or AsciiDoc's `loweralpha`/`upperalpha`/`lowerroman`/`upperroman` class, asks; from its `start`.
    struct ListMarker {
        enum Style { case arabic, lowerAlpha, upperAlpha, lowerRoman, upperRoman }
        var style: Style
        var number: Int

        init(_ n: xmlNodePtr) {
            let type = HTMLReader.attribute(n, "type") ?? ""
            let parentClass = n.pointee.parent.flatMap { HTMLReader.attribute($0, "class") } ?? ""
            let classes = (HTMLReader.attribute(n, "class") ?? "") + " " + parentClass
            switch type {
            case "a": style = .lowerAlpha
            case "A": style = .upperAlpha
            case "i": style = .lowerRoman
            case "I": style = .upperRoman
            default:
                style = classes.contains("loweralpha") ? .lowerAlpha : classes.contains("upperalpha") ? .upperAlpha
                    : classes.contains("lowerroman") ? .lowerRoman : classes.contains("upperroman") ? .upperRoman : .arabic
            }
            number = HTMLReader.attribute(n, "start").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1
        }

        mutating func next() -> String {
            defer { number += 1 }
            switch style {
            case .arabic: return "\(number)."
            case .lowerAlpha: return Self.letters(number) + "."
            case .upperAlpha: return Self.letters(number).uppercased() + "."
            case .lowerRoman: return Self.roman(number) + "."
            case .upperRoman: return Self.roman(number).uppercased() + "."
            }
        }

        /// 1 → "a", 26 → "z", 27 → "aa".
        static func letters(_ n: Int) -> String {
            guard n > 0 else { return "\(n)" }
            var n = n, out = ""
            while n > 0 {
                n -= 1
                out = String(UnicodeScalar(UInt8(97 + n % 26))) + out
                n /= 26
            }
            return out
        }

        static func roman(_ n: Int) -> String {
            guard n > 0, n < 4000 else { return "\(n)" }
            let table: [(Int, String)] = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                                          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
            var n = n, out = ""
            for (value, numeral) in table { while n >= value { out += numeral; n -= value } }
            return out
        }
    }

    static func attribute(_ n: xmlNodePtr, _ name: String) -> String? {
        var attr = n.pointee.properties
        while let a = attr {
            // Compared in C: this runs for every attribute of every element, and a String per name cost 3%.
            if let an = a.pointee.name, strcasecmp(UnsafeRawPointer(an).assumingMemoryBound(to: CChar.self), name) == 0 {
                guard let value = a.pointee.children?.pointee.content else { return "" }
                return String(cString: value)
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Classes of the boxes documentation sets apart from the text: Sphinx's `admonition note`, DocBook's
    /// `note`, `tip`, `caution`, `warning`, `important`.
    static let admonitionClasses: Set<String> = ["admonition", "note", "tip", "caution", "warning", "important",
                                                 "hint", "attention", "danger", "callout", "admonitionblock"]

    /// Whether a table's first rows hold a `td class="icon"` (within tbody/tr/td, three levels down).
    static func hasIconCell(_ table: xmlNodePtr, depth: Int = 0) -> Bool {
        var child = table.pointee.children
        while let c = child {
            defer { child = c.pointee.next }
            guard c.pointee.type == XML_ELEMENT_NODE, let name = c.pointee.name else { continue }
            if strcasecmp(name, "td") == 0, hasClass(c, "icon") { return true }
            if depth < 2, strcasecmp(name, "tbody") == 0 || strcasecmp(name, "tr") == 0,
               hasIconCell(c, depth: depth + 1) { return true }
        }
        return false
    }

    static func hasClass(_ n: xmlNodePtr, _ token: String) -> Bool {
        guard n.pointee.properties != nil, let value = attribute(n, "class")?.lowercased() else { return false }
        return value.split(separator: " ").contains { $0 == token }
    }

    static func isAdmonition(_ n: xmlNodePtr) -> Bool {
        guard n.pointee.properties != nil, let name = n.pointee.name, strcasecmp(name, "div") == 0
            || strcasecmp(name, "aside") == 0 || strcasecmp(name, "blockquote") == 0,
            let value = attribute(n, "class")?.lowercased() else { return false }
        return value.split(separator: " ").contains { admonitionClasses.contains(String($0)) }
    }

    /// Sphinx titles a box with `<p class="admonition-title">Note</p>` (a topic with `topic-title`).
    static func isAdmonitionTitle(_ n: xmlNodePtr) -> Bool {
        guard n.pointee.properties != nil, let value = attribute(n, "class") else { return false }
        return value.split(separator: " ").contains { $0 == "admonition-title" || $0 == "topic-title" }
    }

    static func isContentAside(_ n: xmlNodePtr) -> Bool {
        guard let value = attribute(n, "class")?.lowercased() else { return false }
        let tokens = value.split(separator: " ").map(String.init)
        // Sphinx's local table of contents is a topic too ("topic contents").
        return !tokens.contains("contents") && tokens.contains { contentAsideClasses.contains($0) }
    }

    static func isBoilerplate(_ n: xmlNodePtr) -> Bool {
        guard n.pointee.properties != nil else { return false }  // most elements: no attributes at all
        if let role = attribute(n, "role")?.lowercased(), skippedRoles.contains(role) { return true }
        if attribute(n, "aria-hidden")?.lowercased() == "true" { return true }
        if attribute(n, "hidden") != nil { return true }
        // Pagefind's mark for what a site keeps out of its own search.
        if attribute(n, "data-pagefind-ignore") != nil { return true }
        for key in ["class", "id"] {
            guard let value = attribute(n, key)?.lowercased() else { continue }
            for token in value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }) {
                if skippedClassTokens.contains(String(decoding: token, as: UTF8.self)) { return true }
                let parts = token.split(whereSeparator: { $0 == 0x2D || $0 == 0x5F })
                // "left-sidebar", "nav_footer" are furniture; a long id names content by its words
                // (PostgreSQL's "SQL-FOR-UPDATE-SHARE" is the section on SELECT's locking clause).
                guard parts.count <= 2 else { continue }
                for part in parts where boilerplateParts.contains(where: { $0.elementsEqual(part) }) {
                    return true
                }
            }
        }
        return false
    }

    /// Parts of a class or id ("left-sidebar", "nav_footer") that mark the element as page furniture.
    static let boilerplateParts: [[UInt8]] = ["sidebar", "breadcrumb", "breadcrumbs", "related", "navbar", "share",
                                              "cookie", "footer"].map { Array($0.utf8) }

    /// The heading's own id, an id/name on an anchor inside it, an empty element with an id just before
    /// it (Sphinx's `<span id="label"></span><h2>`), or the id of the section it opens.
    static func anchor(of heading: xmlNodePtr) -> String? {
        if let id = attribute(heading, "id"), !id.isEmpty { return id }
        var child = heading.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                if let id = attribute(c, "id") ?? attribute(c, "name"), !id.isEmpty { return id }
            }
            child = c.pointee.next
        }
        // Empty id-bearing elements right before the heading are its link targets; the nearest one wins.
        var previous = heading.pointee.prev
        while let p = previous {
            if p.pointee.type == XML_ELEMENT_NODE {
                guard isEmptyTarget(p) else { break }
                if let id = attribute(p, "id") ?? attribute(p, "name"), !id.isEmpty { return id }
            } else if p.pointee.type == XML_TEXT_NODE, let content = p.pointee.content,
                      !String(cString: content).allSatisfy(\.isWhitespace) {
                break
            }
            previous = p.pointee.prev
        }
        if let parent = heading.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE,
           let id = attribute(parent, "id"), !id.isEmpty {
            // Only when the heading is the parent's first element (empty targets aside): then the id names
            // this section.
            var first = parent.pointee.children
            while let f = first, f.pointee.type != XML_ELEMENT_NODE || (f != heading && isEmptyTarget(f)) {
                first = f.pointee.next
            }
            if first == heading { return id }
        }
        return nil
    }

    /// An element with no children at all, such as `<span id="x"></span>` or `<a name="x"></a>`.
    static func isEmptyTarget(_ node: xmlNodePtr) -> Bool {
        node.pointee.type == XML_ELEMENT_NODE && node.pointee.children == nil
    }

    /// The text content of an element, skipping scripts, permalinks and hidden parts.
    static func text(of node: xmlNodePtr, keepWhitespace: Bool = false) -> String {
        var out = ""
        func walk(_ n: xmlNodePtr, _ depth: Int) {
            var child: xmlNodePtr? = n.pointee.children
            while let c = child {
                if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE {
                    if let content = c.pointee.content { out += String(cString: content) }
                } else if c.pointee.type == XML_ELEMENT_NODE {
                    let name = c.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                    if !["script", "style", "noscript", "template"].contains(name) && !isBoilerplate(c) {
                        if name == "br" { out += "\n" }
                        if depth < 500 { walk(c, depth + 1) }
                    }
                }
                child = c.pointee.next
            }
        }
        walk(node, 0)
        return keepWhitespace ? out : Whitespace.collapsed(out)
    }

    static func tableRows(_ table: xmlNodePtr) -> [String] {
        var rows: [[(text: String, header: Bool)]] = []
        func collect(_ n: xmlNodePtr, _ depth: Int) {
            var child: xmlNodePtr? = n.pointee.children
            while let c = child {
                if c.pointee.type == XML_ELEMENT_NODE {
                    let name = c.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                    if name == "tr" {
                        var cells: [(String, Bool)] = []
                        var cell = c.pointee.children
                        while let td = cell {
                            if td.pointee.type == XML_ELEMENT_NODE {
                                let cn = td.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                                if cn == "td" || cn == "th" { cells.append((text(of: td), cn == "th")) }
                            }
                            cell = td.pointee.next
                        }
                        if !cells.isEmpty { rows.append(cells) }
                    } else if name != "table" && depth < 8 {
                        collect(c, depth + 1)
                    }
                }
                child = c.pointee.next
            }
        }
        collect(table, 0)
        var headers: [String] = []
        var out: [String] = []
        for row in rows {
            if headers.isEmpty && row.allSatisfy(\.header) {
                headers = row.map(\.text)
                continue
            }
            let cells = row.map(\.text)
            if cells.allSatisfy(\.isEmpty) { continue }
            out.append(headers.isEmpty ? cells.filter { !$0.isEmpty }.joined(separator: " — ")
                                       : TableRowFormatter.format(headers: headers, cells: cells))
        }
        return out
    }
}
