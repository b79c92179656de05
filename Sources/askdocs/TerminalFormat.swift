// How answers, search results and explanations look in a terminal: wrapped to its width, citations
// dimmed on a colour terminal, plain text when piped; progress bars and notes on stderr.

import AskDocsCore
import AskDocsEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum Terminal {
    static var stdoutIsColourTerminal: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    static var width: Int {
        var ws = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 20 {
            return min(Int(ws.ws_col), 100)
        }
        return 80
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Files skipped by indexing, one line each (the first 20 unless `all`).
    /// Files that went wrong one by one (at most 20 unless `all`), every skipped file with `all`, then
    /// one line of counts per reason.
    static func reportSkipped(_ summary: IndexSummary, all: Bool = false, counts: Bool = true) {
        let listed = all ? summary.skippedFiles : summary.skippedFiles.filter(\.isProblem)
        let shown = all ? listed : Array(listed.prefix(20))
        for s in shown { note("skipped \(TerminalFormat.visible(s.path)): \(s.reason)") }
        if shown.count < listed.count {
            note("… and \(listed.count - shown.count) more unreadable files (askdocs index --verbose lists them)")
        }
        if counts, let line = summary.skipLine {
            note(line + (all ? "" : " (askdocs index --verbose lists each)"))
        }
    }

    /// The one line said when another indexing run holds the index and this one waits its turn.
    static func waitingNote(_ index: String) -> () -> Void {
        { note("askdocs: another run is updating \(index); waiting for it to finish…") }
    }

    /// A progress bar on stderr when it is a terminal; nothing when piped.
    static func progressBar() -> Indexer.Progress? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        let started = Date()
        return { done, total in
            guard total >= 50, Date().timeIntervalSince(started) > 0.3 || done == total else { return }
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            var line = "\r  indexing \(bar) \(done)/\(total)"
            if done == total { line += "\n" }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

extension Terminal {
    /// The vector pass's progress bar with its rate and time left, on stderr when it is a terminal.
    static func vectorProgressBar() -> VectorPass.Progress? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { done, total, seconds in
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let rate = Double(done) / max(seconds, 1e-9)
            let left = rate > 0 ? Double(total - done) / rate : 0
            var line = "\r  embedding \(bar) \(done)/\(total) chunks, \(Int(rate.rounded()))/s"
            line += done == total ? "          \n" : String(format: ", %d:%02d left  ", Int(left) / 60, Int(left) % 60)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Runs the vector pass when chunks lack vectors and the model is installed, with a note and a bar.
    static func embedMissingVectors(_ engine: Engine) throws {
        guard engine.encoder != nil, try engine.vectorCounts().missing > 0 else { return }
        if let summary = try engine.embedVectors(progress: vectorProgressBar()), summary.embedded > 0 {
            note("askdocs: " + summary.line)
        }
    }
}

enum TerminalFormat {
    /// Wraps each line of `text` at word boundaries to `width` columns. A line's own leading whitespace
    /// (code, nested lists) is kept and carried onto its continuation lines.
    static func wrap(_ text: String, width: Int, indent: String = "") -> String {
        var lines: [String] = []
        for paragraph in text.components(separatedBy: "\n") {
            let leading = paragraph.prefix { $0 == " " || $0 == "\t" }
            let lineIndent = indent + leading
            var line = lineIndent
            for word in paragraph.dropFirst(leading.count).split(separator: " ", omittingEmptySubsequences: false) {
                if line.count + word.count + 1 > width && line.count > lineIndent.count {
                    lines.append(line)
                    line = lineIndent
                }
                line += (line.count > lineIndent.count ? " " : "") + word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// A snippet's `**marked**` words in bold on a colour terminal, plain otherwise: the markers are for
    /// JSON clients, not for people.
    static func emphasis(_ snippet: String, colour: Bool) -> String {
        let parts = snippet.components(separatedBy: "**")
        guard parts.count > 2 else { return snippet }
        return parts.enumerated().map { i, part in i % 2 == 1 ? bold(part, colour) : part }.joined()
    }

    /// A file name as it may be shown on a terminal: control characters (an escape sequence in a name
    /// would reach the terminal and act) written as \u{…}.
    static func visible(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return name }
        return name.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }

    static func dim(_ s: String, _ colour: Bool) -> String { colour ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    static func bold(_ s: String, _ colour: Bool) -> String { colour ? "\u{1B}[1m\(s)\u{1B}[0m" : s }

    /// The page's URL when the index knows it (a canonical link, `index --base-url`), else the file and anchor.
    static func location(source: String, anchor: String?, url: String? = nil) -> String {
        url ?? anchor.map { "\(visible(source))#\($0)" } ?? visible(source)
    }

    /// The answer and its citations; `correctedQuestion` is what was searched when a typo was corrected.
    static func answer(_ answer: Answer, correctedQuestion: String? = nil, width: Int, colour: Bool) -> String {
        var out = correctedQuestion.map { dim("Showing results for “\($0)”", colour) + "\n" } ?? ""
        out += wrap(answer.text, width: width)
        if answer.abstained {
            let near = answer.passages.prefix(3)
            if !near.isEmpty {
                out += "\n" + dim("Closest matches (not answers):", colour)
                for p in near {
                    let c = p.candidate
                    out += "\n" + dim("  · \(c.title) › \(c.sectionLabel) (\(location(source: c.source, anchor: c.anchor, url: c.url)))", colour)
                }
            }
            return out
        }
        for c in answer.citations {
            let label = c.section == c.title ? c.title : "\(c.title) › \(c.section)"
            out += "\n" + dim("— \(label) (\(location(source: c.source, anchor: c.anchor, url: c.url)))", colour)
        }
        return out
    }

    static func search(_ outcome: SearchOutcome, colour: Bool = false) -> String {
        guard !outcome.passages.isEmpty else { return "No results for “\(outcome.query.text)”." }
        var out: [String] = outcome.query.correctedText.map { ["Showing results for “\($0)”"] } ?? []
        for (i, p) in outcome.passages.enumerated() {
            let c = p.candidate
            out.append("\(i + 1). \(c.title) › \(c.sectionLabel)  [\(location(source: c.source, anchor: c.anchor, url: c.url)), "
                       + String(format: "%.3f", p.score) + "]")
            out.append(emphasis(wrap(Highlighter.snippet(of: c.text, for: outcome.query), width: 80, indent: "   "), colour: colour))
        }
        return out.joined(separator: "\n")
    }

    /// `:why` and `--explain`: the terms and weights, the expression, rerank features, sentence scores.
    static func explanation(_ answer: Answer, _ outcome: SearchOutcome, absentIdentifiers: [String] = []) -> String {
        var out: [String] = []
        if outcome.query.text != answer.question {
            out.append("Read as a follow-up: \"\(answer.question)\" → \"\(outcome.query.text)\"")
        }
        out.append("Question type: \(outcome.query.answerType.rawValue)"
                   + (outcome.query.isComparison ? " (comparison)" : ""))
        out.append("Concepts (idf from \(outcome.statistics.chunkCount) chunks):")
        let salience = outcome.query.salience
        for (i, c) in outcome.query.concepts.enumerated() {
            let meaning = salience.map { i < $0.count ? " [meaning \(String(format: "%.2f", $0[i]))]" : "" } ?? ""
            let terms = c.terms.map { t -> String in
                let idf = outcome.statistics.idf(ofPhrase: t.stems)
                return "\(t.surface)×\(String(format: "%.2f", t.weight)) idf \(String(format: "%.2f", idf))"
            }
            out.append("  \(c.label)\(c.count > 1 ? " (asked \(c.count)×)" : "")\(meaning): " + terms.joined(separator: ", "))
        }
        for c in outcome.query.corrections { out.append("Typo: “\(c.word)” is in no chunk; read as “\(c.readAs)”") }
        let unknown = AnswerComposer.unknownWords(query: outcome.query, statistics: outcome.statistics)
            + absentIdentifiers
        if !unknown.isEmpty { out.append("In no chunk of the corpus (so: abstain): " + unknown.joined(separator: ", ")) }
        out.append("FTS5 expression: \(outcome.expression ?? "(none)")")
        if !outcome.expansion.isEmpty {
            out.append("Feedback from the top passages: " + outcome.expansion.map {
                "\($0.stem) \(String(format: "%.2f", $0.weight))"
            }.joined(separator: ", "))
        }
        out.append("Top passages:")
        for (i, p) in outcome.passages.prefix(5).enumerated() {
            let f = p.features
            out.append(String(format: "  %d. %.3f  bm25 %.2f cover %.2f window %.2f headings %.2f code %.2f feedback %.2f  ",
                              i + 1, p.score, f["bm25Norm"] ?? 0, f["coverage"] ?? 0, f["window"] ?? 0,
                              f["headingCoverage"] ?? 0, f["literal"] ?? 0, f["feedback"] ?? 0)
                       + (f["similarity"].map { String(format: "meaning %.2f  ", $0) } ?? "")
                       + p.candidate.sectionLabel)
        }
        out.append(String(format: "Evidence coverage %.2f (abstains below %.2f)", answer.evidenceCoverage,
                          AnswerParameters.default.abstainThreshold(concepts: outcome.query.concepts.count)))
        out.append("Best sentences:")
        for s in answer.consideredSentences.prefix(5) {
            let f = s.features
            out.append(String(format: "  %.3f own %.2f +headings %.2f passage %.2f type %.2f exact %.2f  ", s.score,
                              f["own"] ?? 0, f["withHeadings"] ?? 0, f["passage"] ?? 0, f["type"] ?? 0, f["exact"] ?? 0)
                       + String(s.text.prefix(90)))
        }
        return out.joined(separator: "\n")
    }
}
