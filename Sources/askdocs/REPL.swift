// The interactive prompt: libedit for line editing and persistent history, `:` commands, and Ctrl-C /
// Ctrl-D behaving as in a shell (Ctrl-C drops the line, Ctrl-D on an empty line leaves).

import AskDocsCore
import AskDocsEngine
import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) private var interruptedAtPrompt: sig_atomic_t = 0

struct REPL {
    let engine: Engine
    var last: (answer: Answer, search: SearchOutcome)?
    /// Earlier turns, for follow-ups; `:reindex` keeps them, a new REPL starts empty.
    var conversation: [ConversationTurn] = []

    init(engine: Engine) { self.engine = engine }

    static let help = """
    Ask a question in plain words, e.g. “which is fastest with a database?”. Commands:
      :sources   the passages behind the last answer
      :why       how the last answer was chosen (terms, weights, scores)
      :reindex   pick up new, changed and removed files in the corpus
      :help      this text
      :quit      leave (or Ctrl-D)
    """

    mutating func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        let historyPath = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.askdocs_history"
        if interactive {
            using_history()
            stifle_history(1_000)
            _ = read_history(historyPath)
            signal(SIGINT) { _ in interruptedAtPrompt = 1 }
            let (docs, chunks) = (try? engine.counts()) ?? (0, 0)
            print("AskDocs — \(docs) documents, \(chunks) passages. Ask a question; :help for commands, Ctrl-D to leave.")
        }
        defer { if interactive { _ = write_history(historyPath) } }

        while true {
            guard let line = readLine(interactive: interactive) else { break }
            let input = line.trimmingCharacters(in: .whitespaces)
            if input.isEmpty { continue }
            if interactive { add_history(input) }
            if input.hasPrefix(":") {
                if try !command(String(input.dropFirst()).lowercased()) { break }
                continue
            }
            do {
                // The conversation so far lets "and Django?" follow the previous question.
                let result = try engine.ask(input, history: conversation.suffix(6))
                last = result
                conversation.append(ConversationTurn(question: input,
                                                     answer: result.answer.abstained ? "" : result.answer.text))
                print(TerminalFormat.answer(result.answer, correctedQuestion: result.search.query.correctedText,
                                            width: Terminal.width, colour: Terminal.stdoutIsColourTerminal))
            } catch {
                print("error: \(error)")
            }
            if interactive { print("") }
        }
        if interactive { print("") }
    }

    /// One line from the user; nil at end of input. Ctrl-C at the prompt gives an empty line, not an exit.
    func readLine(interactive: Bool) -> String? {
        guard interactive else { return Swift.readLine() }
        while true {
            interruptedAtPrompt = 0
            guard let raw = readline("askdocs> ") else {
                if interruptedAtPrompt != 0 { print("^C"); continue }
                return nil
            }
            defer { free(raw) }
            if interruptedAtPrompt != 0 { return "" }
            return String(cString: raw)
        }
    }

    /// Runs a `:command`; false to leave.
    mutating func command(_ name: String) throws -> Bool {
        let colour = Terminal.stdoutIsColourTerminal
        switch name {
        case "q", "quit", "exit":
            return false
        case "h", "help", "?":
            print(Self.help)
        case "sources", "s":
            guard let last else { print("Ask something first."); break }
            for (i, p) in last.answer.passages.prefix(5).enumerated() {
                let c = p.candidate
                print(TerminalFormat.bold("\(i + 1). \(c.title) › \(c.sectionLabel)", colour) + " "
                      + TerminalFormat.dim("(\(TerminalFormat.location(source: c.source, anchor: c.anchor, url: c.url)))", colour))
                print(TerminalFormat.wrap(c.text, width: Terminal.width, indent: "   "))
            }
        case "why", "w":
            guard let last else { print("Ask something first."); break }
            print(TerminalFormat.explanation(last.answer, last.search,
                                             absentIdentifiers: (try? engine.absentIdentifiers(in: last.search.query.text)) ?? []))
        case "reindex", "r":
            let summary = try engine.reindex(progress: Terminal.progressBar())
            Terminal.reportSkipped(summary, counts: false)
            print(summary.line)
        default:
            print("Unknown command :\(name). :help lists the commands.")
        }
        return true
    }
}
