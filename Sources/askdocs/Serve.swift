// `askdocs serve`: the HTTP API and chat page over the same engine (see AskDocsServer).

import AskDocsServer
import ArgumentParser
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API and the chat page (loopback only unless --host says otherwise).")

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: "The corpus folder (default: the one recorded in the index, else Corpus).")
    var corpus: String?

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, parsing: .unconditional, help: "The port (0 picks a free one and prints it).")
    var port = 8080

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (got \(port))") }
        guard cache >= 0 else { throw ValidationError("--cache must be 0 (no cache) or more (got \(cache))") }
    }

    @Flag(name: .long, help: "Reindex automatically when files in the corpus are added, changed or removed.")
    var watch = false

    @Flag(name: .customLong("no-update"), help: "Serve the index as it is: do not bring it up to date with the corpus first.")
    var noUpdate = false

    @Flag(name: .customLong("no-vectors"), help: "Rank by words alone; do not embed chunks in the background.")
    var noVectors = false

    @Option(name: .customLong("token-file"),
            help: "A file holding the bearer token POST /api/reindex requires (or set ASKDOCS_TOKEN).")
    var tokenFile: String?

    @Option(name: .customLong("log-level"), help: "info logs one line per request; warning logs only problems.")
    var logLevel = "info"

    @Option(name: .long, parsing: .unconditional, help: "How many responses to repeated questions to keep (0: no cache).")
    var cache = 2048

    @Option(name: .customLong("read-timeout"), help: ArgumentHelp(
        "Seconds a client may take to send a request's headers (from connecting or from its previous response) and, separately, its body; idle connections close after it too.",
        discussion: "Headers: request line and each header at most 16 KB, 32 KB in all, 100 headers (else 400 and the connection closes). Bodies: 427 KB, more than any valid request needs (else 400)."))
    var readTimeout = 10.0

    @Option(name: .customLong("cors-origin"),
            help: "Allow this one origin (e.g. https://docs.example.com) to call the API from a browser; no CORS headers without it.")
    var corsOrigin: String?

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.indexPath = location.index
        configuration.corpusPath = corpus
        configuration.host = host
        configuration.port = port
        configuration.watch = watch
        configuration.update = !noUpdate
        configuration.vectors = !noVectors
        configuration.cacheCapacity = max(0, cache)
        guard readTimeout > 0, readTimeout <= 3600 else { throw CLIError("--read-timeout must be between 0 and 3600 seconds") }
        configuration.readTimeout = .milliseconds(Int64(readTimeout * 1000))
        configuration.corsOrigin = corsOrigin
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CLIError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        configuration.logLevel = level
        if let tokenFile {
            guard let raw = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw CLIError("cannot read the token file \(tokenFile)")
            }
            let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 16 else { throw CLIError("the token in \(tokenFile) is shorter than 16 characters") }
            configuration.token = token
        } else if let token = ProcessInfo.processInfo.environment["ASKDOCS_TOKEN"], !token.isEmpty {
            // The same floor as a token file's: a short token is guessed long before the lockout helps.
            guard token.count >= 16 else { throw CLIError("ASKDOCS_TOKEN is shorter than 16 characters") }
            configuration.token = token
        }
        if let warning = configuration.exposureWarning { Terminal.note(warning) }
        LoggingSystem.bootstrap { label in BufferedLogOutput.standardError.handler(label: label, level: level) }
        defer { BufferedLogOutput.standardError.flush() }
        let displayHost = host.contains(":") ? "[\(host)]" : host
        let app = try await buildApplication(configuration) { port in
            // Unbuffered, so a script waiting for this line (port 0) sees it at once.
            FileHandle.standardOutput.write(Data(
                "askdocs: serving http://\(displayHost):\(port)/ (API under /api, spec at /openapi.json)\n".utf8))
        }
        do {
            try await app.runService()
        } catch {
            if let reason = listenFailure(error, host: host, port: port) { throw CLIError(reason) }
            throw error
        }
    }
}
