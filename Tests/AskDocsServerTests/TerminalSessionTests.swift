// The `askdocs` binary on a pseudo-terminal, as a person meets it: the REPL's Ctrl-C, history and bare
// `help`/`quit`, and the formatting of answers on a terminal. A pty, not a pipe, because libedit, signals
// from the keyboard and colour all depend on a real terminal.

import AskDocsTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdin, stdout and stderr are the slave side of a new pty, in its own session so
/// that the pty is its controlling terminal and Ctrl-C (byte 3) becomes SIGINT, as in a shell.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    private(set) var output = ""

    init(_ executable: URL, _ arguments: [String], environment: [String: String], columns: UInt16 = 100) throws {
        // posix_openpt/unlockpt/ptsname are not imported into Swift; these are the ioctls they wrap
        // (TIOCSPTLCK, TIOCGPTN: the same numbers on every Linux architecture Swift runs on).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.EIO)
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID: the child leads a new session, so opening the pty below makes it the
        // controlling terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable.path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        pid = child
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` after a pause: libedit prints its prompt before it puts the terminal in raw mode, and
    /// a key sent in between (faster than any person types) can be lost in the switch.
    func type(_ text: String) {
        usleep(100_000)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `text` has appeared after `from` (an offset into `output`), or `timeout` passes; true
    /// when it appeared.
    @discardableResult
    func wait(for text: String, after from: String.Index? = nil, timeout: Duration = .seconds(30)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if output[(from ?? output.startIndex)...].contains(text) { return true }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ms = Int32(min(left.components.seconds * 1000 + 1, 1000))
            guard poll(&poller, 1, ms) >= 0 else { return false }
            if poller.revents == 0 { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(master, &buffer, buffer.count)
            // EIO once the child has exited and closed the slave.
            guard n > 0 else { return output[(from ?? output.startIndex)...].contains(text) }
            output += String(decoding: buffer[..<n], as: UTF8.self)
        }
    }

    /// Waits for the child to end; its exit status, or nil if it is still running after `timeout`.
    func exitStatus(timeout: Duration = .seconds(10)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            _ = wait(for: "\u{0}", timeout: .milliseconds(100))  // keep draining so the child never blocks
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
        }
        return nil
    }
}

@Suite(.serialized) struct TerminalSessionTests {
    let fx: Fixture
    let home: URL
    init() throws {
        fx = try Fixture()
        home = Scratch.path("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func repl() throws -> PseudoTerminal {
        let binary = try #require(LiveServerTests.askdocsBinary(), "the askdocs executable is built beside the tests")
        let terminal = try PseudoTerminal(binary, ["repl", "--no-vectors", "--index", fx.index, "--corpus", fx.corpus],
                                          environment: ["HOME": home.path, "TERM": "xterm", "PATH": "/usr/bin:/bin",
                                                        "NO_COLOR": "1"])
        #expect(terminal.wait(for: "askdocs> "), "no prompt: \(terminal.output)")
        return terminal
    }

    /// Ctrl-C drops the half-typed line and gives a fresh prompt; the next question is answered (it used to
    /// be swallowed).
    @Test func ctrlCDropsTheLineAndTheNextQuestionIsAnswered() throws {
        let t = try repl()
        t.type("which framework has the best")
        #expect(t.wait(for: "the best"))
        let mark = t.output.endIndex
        t.type("\u{3}")
        #expect(t.wait(for: "^C", after: mark), "\(t.output)")
        #expect(t.wait(for: "askdocs> ", after: mark), "no fresh prompt after Ctrl-C: \(t.output)")
        let asked = t.output.endIndex
        t.type("which is fastest with a database?\r")
        #expect(t.wait(for: "440", after: asked), "the question after Ctrl-C was not answered: \(t.output[asked...])")
        #expect(t.wait(for: "askdocs> ", after: asked))
        t.type("\u{4}")
        #expect(t.exitStatus() == 0, "Ctrl-D did not leave: \(t.output[asked...])")
    }

    /// `help`, `quit` and `exit` without the colon are commands, not questions for the docs.
    @Test func bareHelpAndQuitAreCommands() throws {
        let t = try repl()
        var mark = t.output.endIndex
        t.type("help\r")
        #expect(t.wait(for: ":sources", after: mark), "help did not print the commands: \(t.output[mark...])")
        #expect(!t.output[mark...].contains("—"), "help was answered from the corpus: \(t.output[mark...])")
        mark = t.output.endIndex
        t.type("quit\r")
        #expect(t.exitStatus() == 0, "quit did not leave: \(t.output[mark...])")

        let again = try repl()
        again.type("Exit\r")
        #expect(again.exitStatus() == 0)
    }

    /// Questions are kept in ~/.askdocs_history: in the next session the up arrow brings the last one back.
    @Test func historySurvivesTheSession() throws {
        let first = try repl()
        let asked = first.output.endIndex
        first.type("which is fastest with a database?\r")
        #expect(first.wait(for: "440"))
        #expect(first.wait(for: "askdocs> ", after: asked))
        first.type("\u{4}")
        #expect(first.exitStatus() == 0)
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent(".askdocs_history").path))

        let second = try repl()
        let mark = second.output.endIndex
        second.type("\u{1b}[A")
        #expect(second.wait(for: "fastest with a database", after: mark), "up arrow: \(second.output[mark...])")
        second.type("\r")
        #expect(second.wait(for: "440", after: mark))
        #expect(second.wait(for: "askdocs> ", after: second.output.range(of: "440")?.upperBound))
        second.type("\u{4}")
        #expect(second.exitStatus() == 0)
    }
}
