// Tests over real sockets: `--watch` picking up a new post, the `askdocs serve` binary end to end, and
// the chat page driven by headless Chromium (when Chromium, chromedriver and selenium are installed, as
// `.ci/run` makes sure).

@testable import AskDocsServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing

@Suite(.serialized) struct LiveServerTests {
    @Test func watchPicksUpANewPostWithinTwoSeconds() async throws {
        try await withServer(watch: true, live: true) { fx, client in
            let question = "/api/ask?q=\(encoded("what does the quokka cache hold?"))"
            try await client.execute(uri: question, method: .get) { r in
                let abstained = try json(r)["abstained"] as? Bool
                #expect(abstained == true)
            }
            try fx.write("quokka.md", "# Quokka cache\n\nThe quokka cache holds rendered pages for ten minutes.\n")
            let start = ContinuousClock.now
            var answered = false
            while ContinuousClock.now - start < .seconds(5) {
                let answer = try await client.execute(uri: question, method: .get) { try json($0)["answer"] as? String }
                if answer?.contains("ten minutes") == true { answered = true; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = ContinuousClock.now - start
            #expect(answered)
            #expect(elapsed < .seconds(2), "answered after \(elapsed)")

            // A removed post disappears the same way.
            try FileManager.default.removeItem(atPath: fx.root.appendingPathComponent("corpus/quokka.md").path)
            let removal = ContinuousClock.now
            var gone = false
            while ContinuousClock.now - removal < .seconds(5) {
                if try await client.execute(uri: question, method: .get, testCallback: { try json($0)["abstained"] as? Bool }) == true {
                    gone = true
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(gone)
        }
    }

    /// A server whose index cannot be updated (here: its corpus folder is gone) starts anyway, answers from
    /// the index it has, and says so in /healthz and /metrics.
    @Test func aServerStartsOnAnIndexItCannotUpdate() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        var configuration = fx.configuration()
        _ = try await buildApplication(configuration)  // builds the index
        try FileManager.default.removeItem(atPath: fx.corpus)
        configuration.corpusPath = nil
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                let body = try json(r)
                #expect(body["status"] as? String == "degraded")
                #expect((body["updateError"] as? String ?? "").contains("no corpus folder"), "\(body)")
                #expect(body["documents"] as? Int == 1)
            }
            try await client.execute(uri: "/api/ask?q=\(encoded("which is fastest with a database?"))", method: .get) { r in
                let answer = try json(r)["answer"] as? String ?? ""
                #expect(answer.contains("440"))
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains("askdocs_index_update_failing 1"))
            }
        }
        // --no-update: not even tried.
        configuration.update = false
        let quiet = try await buildApplication(configuration)
        try await quiet.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                let status = try json(r)["status"] as? String
                #expect(status == "ok")
            }
        }
    }

    /// `serve --watch` over a corpus that empties (an unmount) keeps serving the index it has.
    @Test func watchKeepsTheIndexWhenTheCorpusEmpties() async throws {
        try await withServer(watch: true, live: true) { fx, client in
            let corpus = fx.root.appendingPathComponent("corpus")
            for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path) {
                try FileManager.default.removeItem(at: corpus.appendingPathComponent(name))
            }
            try await Task.sleep(for: .seconds(2))
            try await client.execute(uri: "/healthz", method: .get) { r in
                let documents = try json(r)["documents"] as? Int
                #expect(documents == 1)
            }
            try await client.execute(uri: "/api/ask?q=\(encoded("which is fastest with a database?"))", method: .get) { r in
                let answer = try json(r)["answer"] as? String ?? ""
                #expect(answer.contains("440"))
            }
        }
    }

    /// Graceful shutdown while the watcher sleeps between scans ends it without an error (it used to throw
    /// the sleep's CancellationError, and `serve --watch` exited 1 on SIGTERM).
    @Test func watcherEndsWithoutAnErrorOnGracefulShutdown() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let c = fx.configuration()
        let reindexer = try Reindexer(indexPath: c.indexPath, corpusPath: c.corpusPath, metrics: ServerMetrics(),
                                      cache: AnswerCache())
        let logger = Logger(label: "test")
        let watcher = CorpusWatcher(reindexer: reindexer, interval: .seconds(60), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [watcher], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The real binary, as a user starts it: `askdocs serve --port 0`, then the flagship question over HTTP.
    @Test func serveBinaryAnswersTheFlagshipOverHTTP() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let binary = try #require(Self.askdocsBinary(), "the askdocs executable is built beside the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--index", fx.index, "--corpus", fx.corpus]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        // The first stdout line names the port.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(text.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) },
                                "\(text)")

        let url = URL(string: "http://127.0.0.1:\(port)/api/ask?q=\(encoded("which is fastest with a database?"))")!
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let answer = body["answer"] as? String ?? ""
        #expect(answer.contains("FastAPI") && answer.contains("440"), "\(answer)")
        let section = (body["citations"] as? [[String: Any]])?.first?["section"] as? String
        #expect(section == "Real-World Benchmark With Database Calls")

        // SIGTERM ends it cleanly.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
    }

    /// The warning is printed by the real binary, on stderr, before it listens on every interface without
    /// a token, and not when a token is set.
    @Test func serveBinaryWarnsWhenExposedWithoutAToken() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        let binary = try #require(Self.askdocsBinary(), "the askdocs executable is built beside the tests")
        for token in [nil, "exposure-token-0123456789"] as [String?] {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["serve", "--host", "0.0.0.0", "--port", "0", "--index", fx.index, "--corpus", fx.corpus]
            var environment = ProcessInfo.processInfo.environment
            environment["ASKDOCS_TOKEN"] = token
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            // Once it is serving, anything it meant to say before listening has been written.
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            process.terminate()
            process.waitUntilExit()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(String(decoding: line, as: UTF8.self).contains("serving http://0.0.0.0:"))
            if token == nil {
                #expect(stderr.contains("warning: listening on 0.0.0.0 without a token"), "\(stderr)")
            } else {
                #expect(!stderr.contains("warning"), "\(stderr)")
            }
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        }
    }

    /// An index from another AskDocs version is rebuilt even under `--no-update`, not read as empty.
    @Test func noUpdateStillRebuildsAnIndexOfAnotherVersion() throws {
        let binary = try #require(Self.askdocsBinary(), "the askdocs executable is built beside the tests")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("askdocs-version-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "# Quokka\n\nThe quokka cache holds every answer for ten minutes.\n"
            .write(to: corpus.appendingPathComponent("quokka.md"), atomically: true, encoding: .utf8)
        let index = dir.appendingPathComponent("i.sqlite").path
        func run(_ arguments: [String]) throws -> (out: String, err: String, status: Int32) {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (o, e, process.terminationStatus)
        }
        #expect(try run(["index", "--corpus", corpus.path, "--index", index]).status == 0)
        let downgrade = Process()
        downgrade.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        downgrade.arguments = ["python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                               + "c.execute('PRAGMA user_version = 1'); c.commit()", index]
        try downgrade.run()
        downgrade.waitUntilExit()
        try #require(downgrade.terminationStatus == 0)
        let asked = try run(["ask", "--index", index, "--no-update", "--json", "what does the quokka cache hold?"])
        #expect(asked.status == 0)
        #expect(asked.err.contains("another AskDocs version"), "\(asked.err)")
        #expect(asked.out.contains("\"abstained\":false") || asked.out.contains("\"abstained\" : false"), "\(asked.out)")
        #expect(asked.out.contains("ten minutes"), "\(asked.out)")
    }

    static func askdocsBinary() -> URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent(), Fixture.repo.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("askdocs")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static var chromiumIsReady: Bool {
        let fm = FileManager.default
        guard ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy(fm.isExecutableFile(atPath:)) else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// Types questions into the chat page in headless Chromium and checks answers, citation links, a
    /// follow-up and an abstention (`scripts/chat_page_check.py`).
    @Test(.enabled(if: chromiumIsReady, "needs chromium, chromium-driver and python3 selenium"))
    func chatPageInChromium() async throws {
        // A page that declares where it is published: its citation gets an "open page" link.
        let page = """
            <html><head><title>Warp drive</title><link rel="canonical" href="https://docs.example.org/warp.html"></head>
            <body><h1>Warp drive</h1><h2 id="coils">Coils</h2><p>Warp coils need dilithium crystals to hold a stable field.</p></body></html>
            """
        try await withServer(live: true, configure: { c in
            try? Data(page.utf8).write(to: URL(fileURLWithPath: c.corpusPath!).appendingPathComponent("warp.html"))
        }) { fx, client in
            let port = try #require(client.port)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Fixture.repo.appendingPathComponent("scripts/chat_page_check.py").path,
                                 "http://127.0.0.1:\(port)/", "--with-url-page"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            // Wait without holding a thread: the server in this process needs them to answer.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                process.terminationHandler = { _ in done.resume() }
                do { try process.run() } catch { done.resume() }
            }
            let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(log)")
        }
    }
}
