// Cuts sections into chunks of about 150–300 words at paragraph, then sentence, boundaries. A chunk holds
// blocks of one kind: prose paragraphs, one whole code block, or table rows (each row already carries its
// headers). Every chunk keeps its section's heading path and anchor.

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
            for (kind, text) in pieces(of: section) {
                out.append(Chunk(headingPath: section.headingPath, anchor: section.anchor, ordinal: out.count,
                                 kind: kind, text: text))
            }
        }
        return out
    }

    /// The section's chunks as (kind, text) in order.
    func pieces(of section: Section) -> [(BlockKind, String)] {
        var out: [(BlockKind, String)] = []
        var current: [String] = []
        var currentKind = BlockKind.prose
        var words = 0
        func emit() {
            guard !current.isEmpty else { return }
            let sep = currentKind == .tableRow ? "\n" : "\n\n"
            out.append((currentKind, current.joined(separator: sep)))
            current = []
            words = 0
        }
        for block in section.blocks {
            let n = Self.wordCount(block.text)
            if block.kind == .code {
                emit()
                out.append((.code, block.text))
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
                        out.append((.prose, buffer.joined(separator: " ")))
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
        // Fold a small tail into the chunk before it when both are prose and the sum stays in bounds.
        if out.count >= 2, let last = out.last, last.0 == .prose, out[out.count - 2].0 == .prose {
            let tail = Self.wordCount(last.1)
            let prev = Self.wordCount(out[out.count - 2].1)
            if tail < minWords && prev + tail <= maxWords + minWords {
                out[out.count - 2].1 += "\n\n" + last.1
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
