// Cuts sections into chunks of about 150–300 words at paragraph, then sentence, boundaries. A chunk holds
// blocks of one kind: prose paragraphs, one whole code block, or table rows (each row already carries its
// headers). Every chunk keeps its section's heading path and anchor, and the definition-list entry it lies in.

import AskDocsCore
import Foundation

public struct Chunker: Sendable {
    public var targetWords = 220
    public var maxWords = 300
    /// A trailing piece smaller than this joins the previous chunk instead of standing alone.
    public var minWords = 60

    public init() {}

    public func chunks(of document: Document) -> [Chunk] {
        var out: [Chunk] = []
        for section in document.sections {
            for piece in pieces(of: section) {
                out.append(Chunk(headingPath: section.headingPath, anchor: section.anchor, ordinal: out.count,
                                 kind: piece.kind, text: piece.text, entry: piece.entry))
            }
        }
        return out
    }

    struct Piece: Equatable {
        var kind: BlockKind
        var text: String
        var entry: String?
    }

    /// The section's chunks in order. A chunk never spans two definition-list entries, and a prose chunk
    /// that continues an entry (after its code example, say) starts with the entry's term, so that "New in
    /// version 3.10." is found, and read, as being about `itertools.pairwise`.
    func pieces(of section: Section) -> [Piece] {
        var out: [Piece] = []
        var current: [String] = []
        var currentKind = BlockKind.prose
        var currentEntry: String?
        var words = 0
        func add(_ kind: BlockKind, _ text: String, _ entry: String?) {
            var text = text
            if kind == .prose, let entry, !text.hasPrefix(entry) { text = entry + "\n\n" + text }
            out.append(Piece(kind: kind, text: text, entry: entry))
        }
        func emit() {
            guard !current.isEmpty else { return }
            let sep = currentKind == .tableRow ? "\n" : "\n\n"
            add(currentKind, current.joined(separator: sep), currentEntry)
            current = []
            words = 0
        }
        for block in section.blocks {
            let n = Self.wordCount(block.text)
            if block.entry != currentEntry { emit(); currentEntry = block.entry }
            if block.kind == .code {
                emit()
                add(.code, block.text, block.entry)
                continue
            }
            if block.kind != currentKind { emit(); currentKind = block.kind }
            if block.kind == .prose && n > maxWords {
                // A long paragraph: split at sentences (and a run-on "sentence" at words).
                emit()
                var buffer: [String] = []
                var bufferWords = 0
                for sentence in SentenceSplitter.sentences(block.text).flatMap(splitRunOn) {
                    let sn = Self.wordCount(sentence)
                    if bufferWords > 0 && bufferWords + sn > targetWords {
                        add(.prose, buffer.joined(separator: " "), block.entry)
                        buffer = []
                        bufferWords = 0
                    }
                    buffer.append(sentence)
                    bufferWords += sn
                }
                if !buffer.isEmpty {
                    current = [buffer.joined(separator: " ")]
                    words = bufferWords
                    currentKind = .prose
                }
                continue
            }
            if words > 0 && words + n > maxWords { emit() }
            current.append(block.text)
            words += n
            if words >= targetWords { emit() }
        }
        emit()
        // Fold a small tail into the chunk before it when both are prose of the same entry and the sum
        // stays in bounds.
        if out.count >= 2, let last = out.last, last.kind == .prose, out[out.count - 2].kind == .prose,
           last.entry == out[out.count - 2].entry {
            let tail = Self.wordCount(last.text)
            let prev = Self.wordCount(out[out.count - 2].text)
            if tail < minWords && prev + tail <= maxWords + minWords {
                var tailText = last.text
                if let entry = last.entry, tailText.hasPrefix(entry + "\n\n") {
                    tailText.removeFirst(entry.count + 2)
                }
                out[out.count - 2].text += "\n\n" + tailText
                out.removeLast()
            }
        }
        return out
    }

    /// A sentence far over the limit (a pasted log, a one-line file) is cut at word boundaries.
    func splitRunOn(_ sentence: String) -> [String] {
        guard Self.wordCount(sentence) > maxWords * 2 else { return [sentence] }
        let words = sentence.split(separator: " ", omittingEmptySubsequences: true)
        return stride(from: 0, to: words.count, by: targetWords).map {
            words[$0..<min($0 + targetWords, words.count)].joined(separator: " ")
        }
    }

    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for u in text.utf8 {
            let space = u == 32 || u == 10 || u == 9 || u == 13
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}
