// Assembles the server: one `buildApplication(_:)` used by `askdocs serve` and by the tests.

import AskDocsEngine
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

public struct ServerConfiguration: Sendable {
    public var indexPath = "Index/askdocs.sqlite"
    /// The corpus folder; nil uses the one the index records (or `Corpus`).
    public var corpusPath: String?
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed once listening).
    public var port = 8080
    public var watch = false
    public var watchInterval = Duration.milliseconds(400)
    /// The bearer token `POST /api/reindex` requires; nil turns the endpoint off (403).
    public var token: String?
    public var cacheCapacity = 2048
    public var logLevel = Logger.Level.info
    public init() {}

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) }
}

/// Opens the index (bringing it up to date with the corpus first, as the CLI does) and builds the
/// Hummingbird application. `onListening` gets the bound port (useful with port 0).
public func buildApplication(_ configuration: ServerConfiguration,
                             onListening: @escaping @Sendable (Int) async -> Void = { _ in })
    async throws -> some ApplicationProtocol {
    var logger = Logger(label: "askdocs.server")
    logger.logLevel = configuration.logLevel
    let metrics = ServerMetrics()
    let cache = AnswerCache(capacity: configuration.cacheCapacity)
    let reindexer = try Reindexer(indexPath: configuration.indexPath, corpusPath: configuration.corpusPath,
                                  metrics: metrics, cache: cache)
    if try await reindexer.pendingChanges() != nil || (try Engine(readingAt: configuration.indexPath).counts().documents == 0) {
        let summary = try await reindexer.reindex()
        logger.info("index brought up to date", metadata: ["summary": "\(summary.line)"])
    }
    let routes = APIRoutes(readers: ReaderPool(indexPath: configuration.indexPath), reindexer: reindexer,
                           cache: cache, metrics: metrics, indexPath: configuration.indexPath,
                           token: configuration.token)
    let router = Router()
    router.add(middleware: RequestAccountingMiddleware(metrics: metrics))
    router.add(middleware: JSONErrorMiddleware(routes: APIRoutes.table))
    routes.register(on: router)

    var services: [any Service] = []
    if configuration.watch {
        services.append(CorpusWatcher(reindexer: reindexer, interval: configuration.watchInterval, logger: logger))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "askdocs"),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
