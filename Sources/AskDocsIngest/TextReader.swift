// Reads plain text, including pages scraped from a blog: finds the article's title (the line that best
// matches the file name, before the first paragraph), its section headings (listed by the page's table of
// contents and repeated as lines in the body, or else heading-shaped lines), and drops the site chrome
// around it (menus, repeated tables of contents, "Trending", share and footer lines, view counters).

import AskDocsCore
import Foundation

public enum TextReader {
    public static func read(_ text: String, source: String) -> Document {
        let lines = text.components(separatedBy: "\n").map { $0.replacingOccurrences(of: "\t", with: "    ") }
        let slugWords = slug(of: source)

        let toc = tableOfContents(lines)
        let titleIndex = findTitle(lines, slugWords: slugWords, after: toc.lastListingLine)
        let title = titleIndex.map { clean(lines[$0]) } ?? fallbackTitle(source)
        let bodyStart = titleIndex.map { $0 + 1 } ?? 0
        let chrome = Set(lines[..<(titleIndex ?? 0)].map(clean).filter { !$0.isEmpty && $0.count <= 60 })
        let date = findDate(lines[max(0, bodyStart - 8)..<min(lines.count, bodyStart + 4)])

        // Body lines, with the chrome inside the article removed and the page's footer cut off.
        var body: [String] = []
        var previous = (line: "", index: -1)
        for (i, raw) in lines[bodyStart...].enumerated() {
            let line = clean(raw)
            if isFooterMarker(line) && i > 0 { break }
            if line.isEmpty { body.append(""); continue }
            if line.count <= 60 && chrome.contains(line) { continue }
            if isCounter(line) { continue }
            // A line that is not a sentence, said twice running, is an image's alt text and its caption.
            if line == previous.line && !line.hasSuffix(".") {
                body[previous.index] = ""
                continue
            }
            previous = (line, body.count)
            body.append(raw.trimmingTrailingWhitespace())
        }

        let headingSet = Set(toc.headings)
        var sections: [Section] = [Section(headingPath: [])]
        var paragraph: [String] = []
        func flushParagraph() {
            if !paragraph.isEmpty { sections[sections.count - 1].blocks.append(contentsOf: blocks(paragraph)) }
            paragraph = []
        }
        for (i, line) in body.enumerated() {
            let trimmed = clean(line)
            let isHeading = headingSet.isEmpty ? looksLikeHeading(body, at: i) : headingSet.contains(trimmed)
            if isHeading {
                flushParagraph()
                sections.append(Section(headingPath: [trimmed], anchor: anchor(for: trimmed)))
            } else if trimmed.isEmpty {
                flushParagraph()
            } else {
                paragraph.append(line)
            }
        }
        flushParagraph()
        mergeCodeBlocks(&sections)
        sections.removeAll { $0.blocks.isEmpty }
        return Document(source: source, title: title, date: date, sections: sections)
    }

    // MARK: Title, date, headings

    /// Table-of-contents entries ("  3. 3Flask Hello World Example") that reappear as lines later on.
    static func tableOfContents(_ lines: [String]) -> (headings: [String], lastListingLine: Int) {
        let pattern = try! NSRegularExpression(pattern: #"^\s*(\d{1,3})[.)]\s*(.+)$"#)
        var entries: [(line: Int, text: String)] = []
        for (i, line) in lines.enumerated() {
            let ns = line as NSString
            guard let m = pattern.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) else { continue }
            let number = ns.substring(with: m.range(at: 1))
            var text = ns.substring(with: m.range(at: 2)).trimmingCharacters(in: .whitespaces)
            // Scrapers glue the list number to the entry: "1. 1Quick Comparison".
            if text.hasPrefix(number), let next = text.dropFirst(number.count).first, !next.isNumber {
                text = String(text.dropFirst(number.count)).trimmingCharacters(in: .whitespaces)
            }
            if text.count >= 3 && text.count <= 120 { entries.append((i, text)) }
        }
        guard entries.count >= 2 else { return ([], -1) }
        let lastListing = entries.map(\.line).max() ?? -1
        var seen = Set<String>()
        var headings: [String] = []
        for e in entries where !seen.contains(e.text) {
            let reappears = lines[(lastListing + 1)...].contains { clean($0) == e.text }
            if reappears { headings.append(e.text); seen.insert(e.text) }
        }
        return headings.count >= 2 ? (headings, lastListing) : ([], -1)
    }

    /// The title: a short line just before the article's first paragraph, preferring the one whose words
    /// match the file name (scraped files are named after their title's slug).
    static func findTitle(_ lines: [String], slugWords: Set<String>, after start: Int) -> Int? {
        var best: (index: Int, score: Double)?
        for i in max(start + 1, 0)..<lines.count {
            let line = clean(lines[i])
            guard line.count >= 3, line.count <= 160, !line.hasSuffix(".") else { continue }
            let words = Set(Tokenizer.words(line))
            guard words.count >= 2 else { continue }
            let overlap = slugWords.isEmpty ? 0 : Double(words.intersection(slugWords).count) / Double(slugWords.count)
            let followedByProse = lines[(i + 1)...].prefix(8).contains { isProse(clean($0)) }
            guard followedByProse else { continue }
            let score = overlap
            if score >= 0.6, score > (best?.score ?? 0) { best = (i, score) }
            if best == nil, i - start > 400 { break }
        }
        if let best { return best.index }
        // No slug match: if the file starts with a heading-like line, that is the title; else no title line.
        if let first = lines.firstIndex(where: { !clean($0).isEmpty }) {
            let line = clean(lines[first])
            if line.count <= 120 && !line.hasSuffix(".") && start < 0 { return first }
        }
        return nil
    }

    static func findDate(_ lines: ArraySlice<String>) -> String? {
        let months = "January|February|March|April|May|June|July|August|September|October|November|December"
        let pattern = try! NSRegularExpression(pattern: "(\(months)) (\\d{1,2}), (\\d{4})")
        for line in lines {
            let ns = line as NSString
            if let m = pattern.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "MMMM d, yyyy"
                let monthDay = "\(ns.substring(with: m.range(at: 1))) \(ns.substring(with: m.range(at: 2))), "
                let year = ns.substring(with: m.range(at: 3))
                if let d = formatter.date(from: monthDay + year) {
                    let iso = DateFormatter()
                    iso.locale = Locale(identifier: "en_US_POSIX")
                    iso.timeZone = TimeZone(identifier: "UTC")
                    formatter.timeZone = TimeZone(identifier: "UTC")
                    iso.dateFormat = "yyyy-MM-dd"
                    return iso.string(from: formatter.date(from: monthDay + year) ?? d)
                }
            }
        }
        return nil
    }

    /// A heading-shaped line in text with no table of contents: short, no closing punctuation (a
    /// question mark only in title case), set apart by blank lines, followed by prose; or underlined.
    static func looksLikeHeading(_ lines: [String], at i: Int) -> Bool {
        let line = clean(lines[i])
        guard line.count >= 2, line.count <= 100 else { return false }
        if line.hasPrefix("#") && line.dropFirst().first == " " { return true }
        if i + 1 < lines.count, clean(lines[i + 1]).count >= 3,
           clean(lines[i + 1]).allSatisfy({ $0 == "=" || $0 == "-" }) { return true }
        let words = line.split(separator: " ")
        guard words.count <= 12, let first = line.first, first.isUppercase || first.isNumber else { return false }
        if let last = line.last, ".,;:!".contains(last) { return false }
        let capitalised = words.filter { $0.first?.isUppercase ?? false || $0.first?.isNumber ?? false }.count
        if line.last == "?" && Double(capitalised) < Double(words.count) * 0.6 { return false }
        let blankBefore = i == 0 || clean(lines[i - 1]).isEmpty
        let blankAfter = i + 1 >= lines.count || clean(lines[i + 1]).isEmpty
        guard blankBefore && blankAfter else { return false }
        let next = lines[(i + 1)...].first { !clean($0).isEmpty }.map(clean) ?? ""
        return isProse(next) || line == line.uppercased() && line.contains(where: \.isLetter)
    }

    // MARK: Chrome

    static let footerMarkers: Set<String> = [
        "tags", "share", "share this", "share this article", "share this post", "found this helpful?",
        "suggested for you", "related posts", "related articles", "you may also like", "you might also like",
        "leave a comment", "leave a reply", "comments", "all posts", "more from the blog", "recommended",
        "popular posts", "subscribe to our newsletter", "about the author", "written by", "read next",
    ]

    static func isFooterMarker(_ line: String) -> Bool {
        let lower = line.lowercased()
        return footerMarkers.contains(lower) || lower.hasPrefix("#") && lower.filter({ $0 == "#" }).count >= 3
    }

    /// "855 views", "7 min651", "12 min read": counters and reading times.
    static func isCounter(_ line: String) -> Bool {
        line.range(of: #"^\d[\d,.]*\s*(views?|reads?|likes?|comments?|shares?)$|^\d+\s*min(\s*read)?\d*$"#,
                   options: [.regularExpression, .caseInsensitive]) != nil
    }

    static func isProse(_ line: String) -> Bool {
        line.count >= 60 && line.split(separator: " ").count >= 8 && ".!?:)\"".contains(line.last ?? " ")
    }

    // MARK: Blocks

    /// One paragraph (lines between blank lines) as blocks: code, a table, or prose.
    static func blocks(_ lines: [String]) -> [Block] {
        let trimmed = lines.map(clean)
        let codeLines = trimmed.filter(isCodeLike).count
        if Double(codeLines) >= Double(lines.count) * 0.6 && !trimmed.contains(where: isProse) {
            return [Block(.code, lines.joined(separator: "\n"))]
        }
        if let rows = TableRowFormatter.parseSpaceSeparated(trimmed) {
            return rows.map { Block(.tableRow, $0) }
        }
        return [Block(.prose, trimmed.joined(separator: " "))]
    }

    static let codeStart = try! NSRegularExpression(pattern:
        #"^(from|import|def|class|return|if|elif|else|for|while|try|except|with|async|await|let|var|const|func|fn|function|public|private|package|use|pub|print|console|SELECT|INSERT|CREATE|UPDATE|DELETE)\b|^[@#$>]|^//|^/\*|^\}|^\]|^\)"#)

    static func isCodeLike(_ line: String) -> Bool {
        if line.isEmpty { return false }
        let ns = line as NSString
        if codeStart.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) != nil { return true }
        if let last = line.last, "{}[]():;,(".contains(last), !isProse(line) { return true }
        if line.contains(" = ") || line.contains("()") || line.contains("=>") || line.contains("__") { return true }
        return false
    }

    /// Code paragraphs split by blank lines (a function, then its caller) are one code block.
    static func mergeCodeBlocks(_ sections: inout [Section]) {
        for s in sections.indices {
            var merged: [Block] = []
            for block in sections[s].blocks {
                if block.kind == .code, let last = merged.last, last.kind == .code {
                    merged[merged.count - 1].text += "\n\n" + block.text
                } else {
                    merged.append(block)
                }
            }
            sections[s].blocks = merged
        }
    }

    // MARK: Helpers

    static func clean(_ line: String) -> String {
        line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{00a0}", with: " ")
    }

    static func slug(of source: String) -> Set<String> {
        let name = (source as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return Set(Tokenizer.words(stem).filter { $0.count > 1 && !QueryAnalyzer.stopwords.contains($0) })
    }

    static func fallbackTitle(_ source: String) -> String {
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        return stem.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
    }

    /// The anchor a static-site generator would give this heading ("Real-World Benchmark" → real-world-benchmark).
    public static func anchor(for heading: String) -> String {
        var out = ""
        var dash = false
        for ch in heading.lowercased() {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                dash = false
            } else if (ch == " " || ch == "-" || ch == "_") && !dash && !out.isEmpty {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
