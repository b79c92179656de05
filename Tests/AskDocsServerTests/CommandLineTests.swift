// The `askdocs` binary's messages and exit codes as a user meets them: --version, a question or a typo
// without a command, bad numbers, a busy port, a run outside the repository, an index that cannot be
// written or is damaged, the corpus recorded in the index, and how answers and snippets print.

import AskDocsTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CommandLineTests {
    struct Run {
        var out: String
        var err: String
        var status: Int32
    }

    /// Runs the binary with `arguments` in `folder` (default: a fresh empty one), stdin closed.
    func askdocs(_ arguments: [String], in folder: URL? = nil) throws -> Run {
        let binary = try #require(LiveServerTests.askdocsBinary(), "the askdocs executable is built beside the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let cwd = folder ?? Scratch.path("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        process.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(out: o, err: e, status: process.terminationStatus)
    }

    /// A corpus folder with one Markdown page: prose, a code block, an identifier with an underscore.
    func corpus(_ extra: [String: String] = [:]) throws -> URL {
        let folder = Scratch.path("cli-corpus")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let page = """
        # Routing guide

        ## Defining a route

        Define a route with the route decorator on a view function:

        ```python
        @app.route("/")
        def index():
            if request.args:
                return "args"
            return "hello"
        ```

        ## Forms

        Every form must include the csrf_token field, or the request is rejected.

        """
        try page.write(to: folder.appendingPathComponent("routes.md"), atomically: true, encoding: .utf8)
        for (name, text) in extra { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder
    }

    @Test func versionNamesTheReleaseSchemaAndModel() throws {
        let r = try askdocs(["--version"])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("askdocs 0."), "\(r.out)")
        #expect(r.out.contains("index schema") && r.out.contains("all-MiniLM-L6-v2"), "\(r.out)")
    }

    @Test func aQuestionWithoutAskSaysHowToAskIt() throws {
        let r = try askdocs(["which is fastest?"])
        #expect(r.status == 64)
        #expect(r.err.contains("askdocs ask \"which is fastest?\""), "\(r.err)")
        #expect(!r.err.contains("Unexpected argument"), "\(r.err)")
    }

    @Test func aMistypedCommandGetsTheCommandMeant() throws {
        let r = try askdocs(["serch", "x"])
        #expect(r.status == 64)
        #expect(r.err.contains("did you mean `askdocs search x`"), "\(r.err)")
    }

    @Test func negativeAndOutOfRangeNumbersAreNamed() throws {
        let limit = try askdocs(["search", "--limit", "-1", "x"])
        #expect(limit.status == 64)
        #expect(limit.err.contains("--limit must be between 0 and 10000"), "\(limit.err)")
        let port = try askdocs(["serve", "--port", "99999"])
        #expect(port.status == 64)
        #expect(port.err.contains("--port must be between 0 and 65535"), "\(port.err)")
    }

    @Test func aBusyPortIsSaidInWords() throws {
        // Hold a port with a listening socket of our own.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound && listen(fd, 1) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let folder = try corpus()
        let r = try askdocs(["serve", "--no-vectors", "--port", "\(port)", "--corpus", folder.path,
                             "--index", Scratch.path("busy", suffix: ".sqlite").path])
        #expect(r.status != 0)
        #expect(r.err.contains("another program is using port \(port)"), "\(r.err)")
        #expect(!r.err.contains("errno"), "\(r.err)")
    }

    /// Outside the repository there is no Corpus folder: one clear line, and no empty index left behind.
    @Test func outsideTheRepositoryNothingIsCreated() throws {
        let cwd = Scratch.path("elsewhere")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        for command in [["ask", "x"], ["search", "x"]] {
            let r = try askdocs(command, in: cwd)
            #expect(r.status == 1)
            #expect(r.err.contains("no corpus folder at Corpus"), "\(r.err)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
    }

    @Test func anIndexThatCannotBeWrittenSaysWhy() throws {
        let file = Scratch.path("plain-file")
        try "not a folder".write(to: file, atomically: true, encoding: .utf8)
        let folder = try corpus()
        let r = try askdocs(["ask", "--no-vectors", "--index", file.path + "/askdocs.sqlite", "--corpus", folder.path, "x"])
        #expect(r.status == 1)
        #expect(r.err.contains("cannot open or create the index \(file.path)/askdocs.sqlite"), "\(r.err)")
        #expect(r.err.contains("is a file, not a folder"), "\(r.err)")
        #expect(!r.err.contains("SQLite error"), "\(r.err)")
    }

    @Test func theDamagedIndexHintNamesTheIndex() throws {
        let index = Scratch.path("damaged", suffix: ".sqlite")
        try Data(repeating: 0x5A, count: 8192).write(to: index)
        let r = try askdocs(["ask", "--no-update", "--no-vectors", "--index", index.path, "x"])
        #expect(r.status == 1)
        #expect(r.err.contains("askdocs index --full --index \(index.path)"), "\(r.err)")
    }

    /// `index` without --corpus updates from the folder the index was built from, and says "1 document";
    /// an update that changes nothing does not repeat the skipped-file count.
    @Test func indexReusesTheRecordedCorpus() throws {
        let folder = try corpus(["logo.png": "\u{89}PNG"])
        let index = Scratch.path("reuse", suffix: ".sqlite").path
        let first = try askdocs(["index", "--no-vectors", "--index", index, "--corpus", folder.path])
        #expect(first.status == 0)
        #expect(first.out.contains("index holds 1 document, "), "\(first.out)")
        #expect(first.err.contains("skipped 1 file"), "\(first.err)")
        let again = try askdocs(["index", "--no-vectors", "--index", index])
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("1 unchanged"), "\(again.out)")
        #expect(!again.err.contains("skipped"), "\(again.err)")
    }

    /// An emptied (or unmounted) corpus folder is refused, not taken as "delete everything", unless
    /// --allow-empty says so.
    @Test func anEmptyCorpusIsRefusedUnlessAllowed() throws {
        let folder = try corpus()
        let index = Scratch.path("empty-corpus", suffix: ".sqlite").path
        #expect(try askdocs(["index", "--no-vectors", "--index", index, "--corpus", folder.path]).status == 0)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("routes.md"))
        let refused = try askdocs(["index", "--no-vectors", "--index", index])
        #expect(refused.status == 1)
        #expect(refused.err.contains("holds no documents now") && refused.err.contains("--allow-empty"), "\(refused.err)")
        let asked = try askdocs(["search", "--no-vectors", "--no-update", "--index", index, "csrf token"])
        #expect(asked.out.contains("csrf_token"), "the old index still answers: \(asked.out)")
        let allowed = try askdocs(["index", "--no-vectors", "--allow-empty", "--index", index])
        #expect(allowed.status == 0 && allowed.out.contains("index holds 0 documents"), "\(allowed.out)")
    }

    /// When the update before answering fails (here the corpus folder is gone), the answer comes from the
    /// index as it is, after one warning line.
    @Test func aFailedUpdateStillAnswers() throws {
        let folder = try corpus()
        let index = Scratch.path("stale", suffix: ".sqlite").path
        #expect(try askdocs(["index", "--no-vectors", "--index", index, "--corpus", folder.path]).status == 0)
        try FileManager.default.removeItem(at: folder)
        let r = try askdocs(["search", "--no-vectors", "--index", index, "csrf token"])
        #expect(r.status == 0)
        #expect(r.out.contains("csrf_token"), "\(r.out)")
        #expect(r.err.contains("warning: could not update the index") && r.err.contains("answering from it as it is"), "\(r.err)")
    }

    /// A file name with an escape sequence in it never reaches the terminal raw.
    @Test func controlCharactersInFileNamesAreEscaped() throws {
        let folder = try corpus(["red\u{1B}[31m.md": "# Red\n\nThe red page explains crimson paint.\n"])
        let index = Scratch.path("names", suffix: ".sqlite").path
        let r = try askdocs(["index", "--no-vectors", "--verbose", "--index", index, "--corpus", folder.path])
        #expect(r.status == 0)
        #expect(!(r.out + r.err).contains("\u{1B}"), "\(r.out.debugDescription)")
        #expect(r.out.contains("red\\u{1b}[31m.md"), "\(r.out)")
        let ask = try askdocs(["ask", "--no-vectors", "--index", index, "what does the red page explain?"])
        #expect(!(ask.out + ask.err).contains("\u{1B}"), "\(ask.out.debugDescription)")
    }

    /// Code keeps its indentation in a terminal answer; snippets show no ** markers.
    @Test func codeAndSnippetsPrintForPeople() throws {
        let folder = try corpus()
        let index = Scratch.path("format", suffix: ".sqlite").path
        let answer = try askdocs(["ask", "--no-vectors", "--index", index, "--corpus", folder.path, "how do I define a route?"])
        #expect(answer.out.contains("\n    if request.args:\n        return \"args\""), "\(answer.out)")
        let search = try askdocs(["search", "--no-vectors", "--index", index, "csrf token"])
        #expect(search.out.contains("csrf_token"), "\(search.out)")
        #expect(!search.out.contains("**"), "\(search.out)")
    }
}
