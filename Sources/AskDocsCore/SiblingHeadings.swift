// Finds the things a document treats as alternatives of each other from its parallel headings:
// "What Is Flask?" / "What Is Django?", "Installing on Linux" / "Installing on macOS". Answering uses
// them to tell a sentence about the asked thing from one about its sibling.

import Foundation

public enum SiblingHeadings {
    /// Stem → the stems that take its place in otherwise identical headings of the same document.
    /// Each heading is compared by its first clause (up to `?` or `:`), so subtitles do not hide the
    /// parallel ("What Is Flask? The Minimalist Microframework").
    public static func alternatives(inDocumentHeadings documents: [[String]]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for headings in documents {
            // Key: the clause with one position blanked out; value: the stems seen in that position.
            var slots: [String: Set<String>] = [:]
            for heading in Set(headings) {
                let stems = StemmedText(String(firstClause(of: heading))).stems
                guard stems.count >= 2, stems.count <= 12 else { continue }
                for i in stems.indices {
                    var key = stems
                    key[i] = "\u{1}"
                    slots[key.joined(separator: " "), default: []].insert(stems[i])
                }
            }
            for group in slots.values where group.count >= 2 {
                for stem in group where !Self.isNumberLike(stem) {
                    out[stem, default: []].formUnion(group.subtracting([stem]).filter { !Self.isNumberLike($0) })
                }
            }
        }
        return out.filter { !$0.value.isEmpty }
    }

    static func firstClause(of heading: String) -> Substring {
        heading.prefix { $0 != "?" && $0 != ":" }
    }

    /// "Chapter 1" / "Chapter 2" are a sequence, not alternatives.
    static func isNumberLike(_ stem: String) -> Bool { stem.contains(where: \.isNumber) }
}

/// The names a question asks about that have siblings, and those siblings.
public struct AskedNames: Sendable {
    /// Per concept: whether it is a one-word name with siblings.
    public let isName: [Bool]
    public let names: Set<String>
    /// The first word of each concept.
    public let askedWords: Set<String>
    public let siblings: Set<String>

    public init(query: AnalyzedQuery, alternatives: [String: Set<String>]) {
        isName = query.concepts.map { c in
            c.terms.first.map { $0.stems.count == 1 && !(alternatives[$0.stems[0]] ?? []).isEmpty } ?? false
        }
        names = Set(zip(query.concepts, isName).compactMap { $1 ? $0.terms.first?.stems.first : nil })
        askedWords = Set(query.concepts.compactMap { $0.terms.first?.stems.first })
        siblings = names.reduce(into: Set<String>()) { $0.formUnion(alternatives[$1] ?? []) }.subtracting(askedWords)
    }

    /// A heading that names a sibling and no asked name.
    public func isAboutSibling(heading: String) -> Bool {
        let stems = Set(StemmedText(heading).stems)
        return !stems.isDisjoint(with: siblings) && stems.isDisjoint(with: names)
    }
}
