// The user's say over what is indexed: `.askdocsignore` in the corpus root (gitignore syntax) and the
// `--exclude`/`--include` globs of `askdocs index`, evaluated in that order after the generator rules, the
// last matching line deciding (so `!_modules/` or `--include '_modules/**'` brings back what a rule skipped).

import Foundation

/// One line of gitignore syntax: `#` comments, `!` negation, a trailing `/` for folders only, a leading or
/// inner `/` anchoring the pattern to the corpus root, `*` and `?` within a path part, `**` across parts,
/// `[abc]` classes, `\` escapes.
public struct IgnorePattern: Sendable, Equatable {
    public var text: String
    public var negated: Bool
    public var folderOnly: Bool
    /// Where it came from, for the skip reason: ".askdocsignore line 3", "--exclude".
    public var origin: String
    let anchored: Bool
    let parts: [String]

    public init?(_ line: String, origin: String) {
        var p = line
        // Trailing spaces are ignored unless escaped; a line of only blanks or a comment is no pattern.
        while p.hasSuffix(" ") && !p.hasSuffix("\\ ") { p.removeLast() }
        if p.hasSuffix("\r") { p.removeLast() }
        guard !p.isEmpty, !p.hasPrefix("#") else { return nil }
        text = p
        self.origin = origin
        negated = p.hasPrefix("!")
        if negated { p.removeFirst() }
        if p.hasPrefix("\\") { p.removeFirst() }  // "\#file", "\!file"
        folderOnly = p.hasSuffix("/")
        while p.hasSuffix("/") { p.removeLast() }
        // A slash at the start or in the middle anchors the pattern; otherwise it matches at any depth.
        anchored = p.dropLast().contains("/") || p.hasPrefix("/")
        while p.hasPrefix("/") { p.removeFirst() }
        guard !p.isEmpty else { return nil }
        parts = p.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Whether the pattern names `path` (relative, `/`-separated) or one of the folders it lies in.
    public func matches(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        // A folder on the path: every proper prefix; the file itself only for a pattern not limited to folders.
        let lastPrefix = folderOnly ? components.count - 1 : components.count
        guard lastPrefix >= 1 else { return false }
        for n in 1...lastPrefix {
            let prefix = Array(components[0..<n])
            // Unanchored means one part (any slash but a trailing one anchors): it names a file or folder at any depth.
            if anchored ? Self.match(parts[...], prefix[...])
                : Self.matchPart(Array(parts[0].unicodeScalars)[...], Array(prefix[n - 1].unicodeScalars)[...]) {
                return true
            }
        }
        return false
    }

    /// Path parts against pattern parts, `**` standing for any number of parts.
    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var p = path
            while true {
                if match(rest, p) { return true }
                guard !p.isEmpty else { return false }
                p = p.dropFirst()
            }
        }
        guard let part = path.first,
              matchPart(Array(first.unicodeScalars)[...], Array(part.unicodeScalars)[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// One path part against one glob part (`*`, `?`, `[…]`, `\x`).
    static func matchPart(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var starP: Int?, starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == "*" {
                    starP = p
                    starN = n
                    p += 1
                    continue
                }
                if c == "?" {
                    p += 1; n += 1
                    continue
                }
                if c == "[", let (matched, next) = matchClass(pattern, from: p, name[n]) {
                    if matched {
                        p = next; n += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == "\\", next < pattern.endIndex {
                        literal = pattern[next]
                        next += 1
                    }
                    if literal == name[n] {
                        p = next; n += 1
                        continue
                    }
                }
            }
            // Mismatch: let the last `*` take one more character.
            guard let s = starP else { return false }
            p = s + 1
            starN += 1
            n = starN
        }
        while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// A `[...]` class at `start`: whether `c` is in it and where the pattern goes on; nil if unterminated.
    static func matchClass(_ pattern: ArraySlice<Unicode.Scalar>, from start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" {
            negate = true
            i += 1
        }
        var found = false
        var first = true
        while i < pattern.endIndex {
            if pattern[i] == "]" && !first { return (found != negate, i + 1) }
            first = false
            var lo = pattern[i]
            if lo == "\\", i + 1 < pattern.endIndex { i += 1; lo = pattern[i] }
            if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if lo.value <= c.value && c.value <= pattern[i + 2].value { found = true }
                i += 3
            } else {
                if lo == c { found = true }
                i += 1
            }
        }
        return nil
    }
}

/// The user's rules, in the order they are applied.
public struct IgnoreRules: Sendable, Equatable {
    public var patterns: [IgnorePattern]

    public init(patterns: [IgnorePattern] = []) { self.patterns = patterns }

    /// The name of the ignore file read from the corpus root.
    public static let fileName = ".askdocsignore"

    /// `.askdocsignore` from `root` (if any), then `exclude`, then `include` (as negated patterns).
    public static func load(root: String, filters: IndexFilters) -> IgnoreRules {
        var patterns: [IgnorePattern] = []
        if let data = FileManager.default.contents(atPath: root + "/" + fileName) {
            let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                if let p = IgnorePattern(line, origin: "\(fileName) line \(i + 1)") { patterns.append(p) }
            }
        }
        patterns += filters.exclude.compactMap { IgnorePattern($0, origin: "--exclude") }
        patterns += filters.include.compactMap { glob in
            IgnorePattern(glob.hasPrefix("!") ? glob : "!" + glob, origin: "--include")
        }
        return IgnoreRules(patterns: patterns)
    }

    public enum Verdict: Equatable {
        /// No rule of the user's names the file.
        case unmentioned
        case excluded(by: IgnorePattern)
        case included(by: IgnorePattern)
    }

    /// The include (negated) patterns, one per line: what decides which generated pages are indexed anyway.
    public var includeFingerprint: String {
        patterns.filter(\.negated).map(\.text).joined(separator: "\n")
    }

    /// The last matching pattern's verdict.
    public func verdict(for path: String) -> Verdict {
        for p in patterns.reversed() where p.matches(path) {
            return p.negated ? .included(by: p) : .excluded(by: p)
        }
        return .unmentioned
    }
}

/// `askdocs index --include/--exclude`, remembered in the index so that every later update (an `ask`,
/// `--watch`) applies them too.
public struct IndexFilters: Sendable, Codable, Equatable {
    public var include: [String]
    public var exclude: [String]
    public init(include: [String] = [], exclude: [String] = []) {
        // An empty glob matches nothing: `--exclude ''` is how a remembered list is cleared.
        self.include = include.filter { !$0.isEmpty }
        self.exclude = exclude.filter { !$0.isEmpty }
    }
    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty }
}
