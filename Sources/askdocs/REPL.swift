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
/// Written by the SIGINT handler to wake the key reader on whichever thread it waits.
nonisolated(unsafe) private var interruptPipe: (read: Int32, write: Int32) = (-1, -1)

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
      :quit      leave (or Ctrl-D; help, quit and exit work without the colon too)
    """

    mutating func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        let historyPath = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.askdocs_history"
        if interactive {
            catchInterrupts()
            using_history()
            stifle_history(1_000)
            _ = read_history(historyPath)
            let (docs, chunks) = (try? engine.counts()) ?? (0, 0)
            print("AskDocs — \(docs.counted("document")), \(chunks.counted("passage")). Ask a question; :help for commands, Ctrl-D to leave.")
        }
        defer { if interactive { _ = write_history(historyPath) } }

        while true {
            guard let line = readLine(interactive: interactive) else { break }
            let input = line.trimmingCharacters(in: .whitespaces)
            if input.isEmpty { continue }
            if interactive { add_history(input) }
            if let name = Self.commandName(input) {
                if try !command(name) { break }
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

    /// Ctrl-C must end the terminal read, not be retried inside libedit (which then swallowed the next
    /// line typed). The signal may land on any thread of the process, so the handler writes to a pipe
    /// and libedit reads keys through a function that waits on the terminal and that pipe together: once
    /// Ctrl-C is pressed it reports end of input, `readline` returns, and the flag tells that from Ctrl-D.
    /// libedit's own signal handling stays off: it re-sends the signal and leaves the terminal in cooked
    /// mode.
    func catchInterrupts() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        interruptPipe = (fds[0], fds[1])
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        askdocs_set_rl_catch_signals(0)
        askdocs_set_rl_getc_function { _ in
            var byte: UInt8 = 0
            while true {
                var waits = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                             pollfd(fd: interruptPipe.read, events: Int16(POLLIN), revents: 0)]
                if poll(&waits, 2, -1) < 0 { if errno == EINTR { continue } else { return -1 } }
                if waits[1].revents != 0 {
                    var drained = [UInt8](repeating: 0, count: 16)
                    _ = read(interruptPipe.read, &drained, drained.count)
                    if interruptedAtPrompt != 0 { return -1 }
                    continue
                }
                let n = read(STDIN_FILENO, &byte, 1)
                if n == 1 { return Int32(byte) }
                if n < 0 && errno == EINTR { continue }
                return -1
            }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            interruptedAtPrompt = 1
            var byte: UInt8 = 1
            _ = write(interruptPipe.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
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
            // Ctrl-C after some typing: readline hands back the dropped text, which is not a question.
            if interruptedAtPrompt != 0 { print("^C"); continue }
            return String(cString: raw)
        }
    }

    /// The command a line asks for: `:name`, or one of the words people type to a prompt without the
    /// colon (`help`, `quit`, `exit`), which are never questions for the docs.
    static func commandName(_ input: String) -> String? {
        if input.hasPrefix(":") { return String(input.dropFirst()).lowercased() }
        let word = input.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "!?. "))
        return ["help", "quit", "exit"].contains(word) ? word : nil
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
            let summary = try engine.reindex(progress: Terminal.progressBar(), waiting: Terminal.waitingNote(engine.indexPath))
            Terminal.reportSkipped(summary, counts: false)
            print(summary.line)
        default:
            print("Unknown command :\(name). :help lists the commands.")
        }
        return true
    }
}
