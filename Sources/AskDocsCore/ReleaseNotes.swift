// Tells release notes, changelogs and "what's new" pages and sections from the current documentation,
// by their paths, titles and headings in general terms, and questions about versions and changes from
// the rest: history uses the same words as the docs it changed ("Prior to 1.3, inactive users were able
// to …"), so for a how-to question it must rank below the page that says how things are now.

import Foundation

public enum ReleaseNotes {
    /// Leading words of a path part (file stem or folder) that name a history page: `changelog-5.0`,
    /// `whatsnew/3.11`, `release-15-1`, `RelNotes/2.39.0`, `releaselog/3_40_0`, `history/`, `NEWS`.
    static let pathWords: Set<String> = ["changelog", "changelogs", "changes", "relnotes", "releasenotes",
                                         "releaselog", "whatsnew", "news", "history", "release", "releases"]
    /// Phrases whose presence at the start of a title or heading names history: "Release notes",
    /// "What's new in 4.0", "Changes in version 2.1", "Version 5.2.0", "Release 15.1", "Changelog".
    static let titlePrefixes = ["release notes", "release note", "what's new", "whats new", "what’s new", "changelog",
                                "change log", "changes in", "changes since", "change history", "version history",
                                "release history", "history of changes", "news"]

    /// Whether a passage of `source` titled `title` under `headingPath` is part of the project's history.
    public static func isHistory(source: String, title: String, headingPath: [String]) -> Bool {
        pathIsHistory(source) || textIsHistory(title) || headingPath.contains(where: textIsHistory)
    }

    static func pathIsHistory(_ source: String) -> Bool {
        for part in source.lowercased().split(separator: "/") {
            let stem = part.split(separator: ".").first ?? part
            // The part's first word: "whatsnew-5.2" → "whatsnew", "release-15-1" → "release".
            let word = stem.prefix { $0.isLetter }
            if pathWords.contains(String(word)) || stem.hasPrefix("release-notes") || stem.hasPrefix("whats-new")
                || stem.hasPrefix("release_notes") || stem.hasPrefix("whats_new") { return true }
        }
        return false
    }

    static func textIsHistory(_ text: String) -> Bool {
        // "E.1. Release 15.1", "3.2.1 Changes in version 2": leading section numbers say nothing.
        var t = Substring(text.lowercased())
        if t.count > 2, t.first!.isLetter, t.dropFirst().first == "." { t = t.dropFirst(2) }
        let s = t.drop { $0.isNumber || $0 == "." || $0 == " " }
        // A whole word or phrase: "News", not "Newsletter".
        if titlePrefixes.contains(where: { s.hasPrefix($0) && !(s.dropFirst($0.count).first?.isLetter ?? false) }) {
            return true
        }
        // "Version 5.2.0", "Release 15.1", "v4.0.0 (2016-11-04)": a heading that is a version and little else
        // ("v" only before a dotted number: "V8 engine" is not one).
        for word in ["version ", "release ", "v"] where s.hasPrefix(word) {
            let rest = s.dropFirst(word.count)
            let number = rest.prefix { !$0.isWhitespace }
            guard let first = number.first, first.isNumber, rest.split(separator: " ").count <= 3 else { continue }
            if word != "v" || number.contains(".") { return true }
        }
        return false
    }

    /// Words of a question that ask about versions or changes: then history is the answer.
    static let changeWords: Set<String> = ["version", "versions", "release", "released", "releases", "changed",
                                           "change", "changes", "changelog", "added", "introduced", "new",
                                           "removed", "deprecated", "deprecation", "since", "upgrade", "upgrading",
                                           "supported", "dropped", "renamed", "history", "older", "newer"]

    /// Whether `query` asks about versions or changes ("when was … added", "what changed in 4.0",
    /// "deprecated since", "is X still supported").
    public static func asksAboutChanges(_ query: AnalyzedQuery) -> Bool {
        if query.answerType == .time { return true }
        if Tokenizer.words(query.text.lowercased()).contains(where: changeWords.contains) { return true }
        // A version number: "in 4.0", "3.11".
        return query.text.range(of: #"\b\d+\.\d+"#, options: .regularExpression) != nil
    }
}
