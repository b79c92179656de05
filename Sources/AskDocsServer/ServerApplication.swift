// Assembles the server: one `buildApplication(_:)` used by `askdocs serve` and by the tests.

import AskDocsEngine
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

public struct ServerConfiguration: Sendable {
    public var indexPath = "Index/askdocs.sqlite"
    /// The corpus folder; nil uses the one the index records (or `Corpus`).
    public var corpusPath: String?
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed once listening).
    public var port = 8080
    public var watch = false
    /// Whether the index is brought up to date with the corpus before serving (`--no-update`: false).
    public var update = true
    /// Whether chunks are embedded in the background and questions compared by meaning too.
    public var vectors = true
    public var watchInterval = Duration.milliseconds(400)
    /// The bearer token `POST /api/reindex` requires; nil turns the endpoint off (403).
    public var token: String?
    public var cacheCapacity = 2048
    public var logLevel = Logger.Level.info
    /// How long a client may take to send a request head (from connecting, or from its previous response)
    /// and, separately, its whole body (from the head); idle keep-alive connections close after it too.
    public var readTimeout = Duration.seconds(10)
    /// The one origin allowed to call the API from a browser (CORS); nil sends no CORS headers at all.
    public var corsOrigin: String?
    public init() {}

    /// The request line and each header are at most 16 KB (a 1,000-character question percent-encoded
    /// as 4-byte UTF-8 is 12 KB), all headers together 32 KB, at most 100 of them; past any of these
    /// the connection gets a 400 and is closed. Bodies are limited per route (`APIRoutes.maxBodyBytes`).
    public static let maxHeaderFieldBytes = 16 * 1024
    public static let maxHeaderListBytes = 32 * 1024
    public static let maxHeaderCount = 100

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }

    /// What `askdocs serve` prints on stderr before listening where others can reach it without a token.
    public var exposureWarning: String? {
        guard !isLoopback, token == nil else { return nil }
        return "askdocs: warning: listening on \(host) without a token; anyone who can reach it can query the corpus (reindexing stays off)"
    }

    /// Hummingbird's HTTP/1 channel with the limits above. Its idle timeout is the header-read timeout: it
    /// counts from the connection (or the last response) and only a fully decoded head resets it, so bytes
    /// trickled one a second do not keep a connection open. Body parts do reset it, which is why
    /// `RequestBodyDeadline` bounds the body separately.
    var http1: HTTP1Channel.Configuration {
        let readTimeout = TimeAmount.nanoseconds(Int64(readTimeout.components.seconds) * 1_000_000_000
                                                 + readTimeout.components.attoseconds / 1_000_000_000)
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestBodyDeadline(limit: readTimeout)],
            idleTimeout: readTimeout,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: Self.maxHeaderFieldBytes,
                                            maxHeaderListSize: Self.maxHeaderListBytes,
                                            maxHeaderFieldCount: Self.maxHeaderCount))
    }
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
                                  metrics: metrics, cache: cache, vectors: configuration.vectors)
    let documents = try Engine(readingAt: configuration.indexPath).counts().documents
    if configuration.update || documents == 0 {
        do {
            if try await reindexer.pendingChanges() != nil || documents == 0 {
                let summary = try await reindexer.reindex()
                logger.info("index brought up to date", metadata: ["summary": "\(summary.line)"])
            }
        } catch {
            // An index that answers is worth serving even when it cannot be updated (a full disk, a
            // missing or emptied corpus, a lock held elsewhere): say so, report it in /healthz and
            // /metrics, and let --watch keep trying.
            guard documents > 0 else { throw error }
            if await reindexer.lastFailure == nil { await reindexer.noteFailure(error) }
            logger.warning("could not update the index; serving it as it is", metadata: ["error": "\(error)"])
        }
    }
    let health = ServerHealth(indexPath: configuration.indexPath)
    let routes = APIRoutes(readers: ReaderPool(indexPath: configuration.indexPath, vectors: configuration.vectors),
                           reindexer: reindexer,
                           cache: cache, metrics: metrics, indexPath: configuration.indexPath,
                           token: configuration.token, health: health)
    let router = Router(context: AskDocsRequestContext.self)
    if let origin = configuration.corsOrigin {
        // Outermost, so that error responses (already JSON by the time they get here) carry it too.
        router.add(middleware: CORSMiddleware(allowOrigin: .oneOf(origin),
                                              allowHeaders: [.accept, .authorization, .contentType],
                                              allowMethods: [.get, .post, .options], maxAge: .seconds(600)))
    }
    router.add(middleware: RequestAccountingMiddleware(metrics: metrics))
    router.add(middleware: JSONErrorMiddleware(routes: APIRoutes.table, health: health))
    routes.register(on: router)

    var services: [any Service] = []
    if configuration.vectors {
        services.append(VectorPassService(reindexer: reindexer, logger: logger))
    }
    if configuration.watch {
        services.append(CorpusWatcher(reindexer: reindexer, interval: configuration.watchInterval, logger: logger))
    }
    return Application(
        router: router,
        server: .http1(configuration: configuration.http1),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "askdocs"),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// A one-line reason for a server that could not start listening, in the operator's terms; nil for any
/// other error. NIO's own text ("bind(descriptor:ptr:bytes:): Address already in use (errno: 98)") names a
/// system call, not what to do.
public func listenFailure(_ error: Error, host: String, port: Int) -> String? {
    guard let io = error as? IOError else { return nil }
    let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    switch io.errnoCode {
    case EADDRINUSE:
        return "cannot listen on \(address): another program is using port \(port); choose another with --port N (0 picks a free one)"
    case EACCES:
        return "cannot listen on \(address): ports below 1024 need root; choose one above 1024 with --port N"
    case EADDRNOTAVAIL:
        return "cannot listen on \(address): this machine has no such address; use --host 127.0.0.1 or one of its own addresses"
    default:
        return "cannot listen on \(address): \(String(cString: strerror(io.errnoCode)))"
    }
}
