// Typo tolerance against the index's own vocabulary: a question word that no chunk holds is read as the
// closest indexed term (1 edit from 5 letters, 2 from 9; a transposition is one edit) that starts with the
// same letter (people rarely mistype the first one, and it keeps the search to one slice of the
// vocabulary), the commonest among equally close ones. Words the corpus has, numbers, identifiers and
// phrases are never touched, so an exact match always wins over a fuzzy one.

/// The index's terms (Porter stems) with how many chunks hold each, grouped by length so that a lookup
/// only compares terms that could be within reach.
public struct Vocabulary: Sendable {
    var byLength: [Int: [(term: [UInt8], chunks: Int)]] = [:]
    public private(set) var count = 0

    public init(_ terms: [(term: String, chunks: Int)]) {
        for (term, chunks) in terms {
            let bytes = Array(term.utf8)
            byLength[bytes.count, default: []].append((bytes, chunks))
        }
        count = terms.count
    }
}

public enum TypoCorrector {
    /// How many edits a word of `length` letters may be away from the term it stands for.
    public static func allowedEdits(forLength length: Int) -> Int { length >= 9 ? 2 : length >= 5 ? 1 : 0 }

    /// Whether a question word may be corrected: a plain word of letters, not a number, not part of an
    /// identifier (`pool_maxsize`, `os.cpu_count`, `camelCase`) and not a phrase.
    public static func isCorrectable(_ label: String, in question: String) -> Bool {
        guard !label.isEmpty, label.allSatisfy(\.isLetter) else { return false }
        for (word, before, after, next) in occurrences(of: label, in: question) {
            let joined: Set<Unicode.Scalar> = ["_", "."]
            let inIdentifier = joined.contains(before) || after == "_" || after == "." && next.properties.isAlphabetic
            let camelCase = word.dropFirst().contains(where: \.isUppercase) && word.contains(where: \.isLowercase)
            if inIdentifier || camelCase || quotes.contains(before) && quotes.contains(after) { return false }
        }
        return true
    }

    /// Whether the question quotes the word on its own ("stauts", 'open', `id`): what the asker typed,
    /// misspelt or not, and not a word the corpus must hold.
    public static func isQuotedAlone(_ label: String, in question: String) -> Bool {
        occurrences(of: label, in: question).contains { quotes.contains($0.before) && quotes.contains($0.after) }
    }

    static let quotes: Set<Unicode.Scalar> = ["\"", "'", "`", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}"]

    /// Each place the question writes `label` as a whole word (any case), with the characters around it.
    static func occurrences(of label: String, in question: String)
        -> [(word: String, before: Unicode.Scalar, after: Unicode.Scalar, next: Unicode.Scalar)] {
        let scalars = Array(question.unicodeScalars)
        var out: [(word: String, before: Unicode.Scalar, after: Unicode.Scalar, next: Unicode.Scalar)] = []
        var i = 0
        while i < scalars.count {
            guard scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) else { i += 1; continue }
            var j = i
            while j < scalars.count, scalars[j].properties.isAlphabetic || ("0"..."9").contains(scalars[j]) { j += 1 }
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[i..<j])
            if String(word).lowercased() == label {
                out.append((String(word), i > 0 ? scalars[i - 1] : " ", j < scalars.count ? scalars[j] : " ",
                            j + 1 < scalars.count ? scalars[j + 1] : " "))
            }
            i = j
        }
        return out
    }

    /// The indexed term closest to `stem` within `edits` and with its first letter, the commonest among
    /// equally close ones; nil if none is in reach.
    public static func closest(to stem: String, edits: Int, in vocabulary: Vocabulary) -> String? {
        let target = Array(stem.utf8)
        guard edits > 0, let first = target.first else { return nil }
        var best: (distance: Int, chunks: Int, term: [UInt8])?
        for length in max(1, target.count - edits)...(target.count + edits) {
            for (term, chunks) in vocabulary.byLength[length] ?? [] where term.first == first {
                guard let d = distance(target, term, limit: edits), d > 0 else { continue }
                if best == nil || d < best!.distance || d == best!.distance && chunks > best!.chunks {
                    best = (d, chunks, term)
                }
            }
        }
        return best.map { String(decoding: $0.term, as: UTF8.self) }
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions and transpositions of
    /// adjacent bytes), or nil once it must exceed `limit`.
    public static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
                current[j] = d
                rowMin = min(rowMin, d)
            }
            if rowMin > limit { return nil }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
