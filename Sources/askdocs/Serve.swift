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

    @Option(name: .long, help: "The port (0 picks a free one and prints it).")
    var port = 8080

    @Flag(name: .long, help: "Reindex automatically when files in the corpus are added, changed or removed.")
    var watch = false

    @Option(name: .customLong("token-file"),
            help: "A file holding the bearer token POST /api/reindex requires (or set ASKDOCS_TOKEN).")
    var tokenFile: String?

    @Option(name: .customLong("log-level"), help: "info logs one line per request; warning logs only problems.")
    var logLevel = "info"

    @Option(name: .long, help: "How many responses to repeated questions to keep (0: no cache).")
    var cache = 2048

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.indexPath = location.index
        configuration.corpusPath = corpus
        configuration.host = host
        configuration.port = port
        configuration.watch = watch
        configuration.cacheCapacity = max(0, cache)
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
            configuration.token = token
        }
        if !configuration.isLoopback && configuration.token == nil {
            Terminal.note("askdocs: warning: listening on \(host) without a token; anyone who can reach it can query the corpus (reindexing stays off)")
        }
        LoggingSystem.bootstrap { label in BufferedLogOutput.standardError.handler(label: label, level: level) }
        defer { BufferedLogOutput.standardError.flush() }
        let displayHost = host.contains(":") ? "[\(host)]" : host
        let app = try await buildApplication(configuration) { port in
            // Unbuffered, so a script waiting for this line (port 0) sees it at once.
            FileHandle.standardOutput.write(Data(
                "askdocs: serving http://\(displayHost):\(port)/ (API under /api, spec at /openapi.json)\n".utf8))
        }
        try await app.runService()
    }
}
