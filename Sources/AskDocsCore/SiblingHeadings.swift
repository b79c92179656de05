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
