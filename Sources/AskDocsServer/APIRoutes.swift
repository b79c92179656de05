// The HTTP API over the shared engine: search, ask (with conversation history), reindex, health,
// metrics, the OpenAPI document and the chat page. Shapes are exactly the CLI's `--json`.

import AskDocsCore
import AskDocsEngine
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

struct HealthResponse: Codable, Equatable {
    /// "ok" (200), or "degraded" (503) with the reasons below: the index still answers what it can.
    var status: String
    var documents: Int
    var chunks: Int
    /// Why the last update failed (it answers from the index as it was); present only then.
    var updateError: String?
    /// Damage to the index file, found by a request or by this check; present only then.
    var indexError: String?
    /// Why embedding chunks keeps failing (questions are ranked by words alone); present only then.
    var vectorError: String?
}

/// Everything the routes share: the readers, the writer, the cache, the metrics and the token.
public final class APIRoutes: Sendable {
    static let maxBodyBytes = AskRequest.maxBodyBytes
    static let chatPage = String(decoding: PackageResources.chat_html, as: UTF8.self)
    /// The page runs only its own inline script and style (allowed by their hashes), talks only to this
    /// server, cannot be framed, and is never sniffed as another type.
    static let chatPageHeaders: HTTPFields = {
        func hashes(of tag: String) -> String {
            var sources: [String] = []
            var rest = chatPage[...]
            while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
                let body = Data(rest[open.upperBound..<close.lowerBound].utf8)
                sources.append("'sha256-\(Indexer.sha256Digest(body).base64EncodedString())'")
                rest = rest[close.upperBound...]
            }
            return sources.joined(separator: " ")
        }
        var fields = HTTPFields()
        fields[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; script-src \(hashes(of: "script")); "
            + "style-src \(hashes(of: "style")); connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return fields
    }()
    /// The tab icon, also linked from the page: a speech bubble in the page's accent colour.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="4" width="28" height="19" rx="5" \
        fill="#2457c5"/><path d="M9 23v6l7-6z" fill="#2457c5"/><text x="16" y="18" font-family="sans-serif" \
        font-size="13" font-weight="700" fill="#fff" text-anchor="middle">?</text></svg>
        """
    static let maxSearchLimit = 100
    static let oversizedBody = "request body over the \(maxBodyBytes / 1024) KB limit: a question and at most "
        + "\(AskRequest.maxHistoryTurns) history turns fit well within it"

    let readers: ReaderPool
    let reindexer: Reindexer
    let cache: AnswerCache
    let metrics: ServerMetrics
    let indexPath: String
    let token: String?
    let health: ServerHealth
    let refusals = Mutex(RefusalWindow())

    init(readers: ReaderPool, reindexer: Reindexer, cache: AnswerCache, metrics: ServerMetrics, indexPath: String,
         token: String?, health: ServerHealth) {
        self.health = health
        self.readers = readers
        self.reindexer = reindexer
        self.cache = cache
        self.metrics = metrics
        self.indexPath = indexPath
        self.token = token
    }

    /// Path → methods, for 405s and for checking the OpenAPI document against the router.
    static let table: [String: [HTTPRequest.Method]] = [
        "/": [.get], "/api/search": [.get], "/api/ask": [.get, .post], "/api/reindex": [.post],
        "/healthz": [.get], "/metrics": [.get], "/openapi.json": [.get], "/api/corpus": [.get], "/favicon.ico": [.get],
    ]

    func register(on router: Router<AskDocsRequestContext>) {
        router.get("/") { _, _ in
            Reply.text(Self.chatPage, extraHeaders: Self.chatPageHeaders, contentType: "text/html; charset=utf-8")
        }
        router.get("/openapi.json") { _, _ in
            Reply.text(String(decoding: PackageResources.openapi_json, as: UTF8.self))
        }
        router.get("/api/search") { request, _ in try self.search(request) }
        router.get("/api/ask") { request, _ in
            try self.ask(question: Self.query(request), history: [])
        }
        router.post("/api/ask") { request, context in
            // A declared length over the limit is refused at once, rather than after waiting for the
            // limit's worth of a body that may never come. Refused as a bad request (like Django's
            // RequestDataTooBig), not 413: no body that large is a valid request (see the limit).
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > Self.maxBodyBytes {
                throw APIError(.badRequest, Self.oversizedBody)
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maxBodyBytes)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                throw APIError(.badRequest, Self.oversizedBody)
            }
            let decoded: AskRequest
            do throws(AskRequest.Invalid) {
                decoded = try AskRequest.parse(Data(buffer: body))
            } catch {
                throw APIError(.badRequest, error.message)
            }
            return try self.ask(question: decoded.question, history: decoded.history ?? [])
        }
        router.post("/api/reindex") { request, context in
            try await self.reindex(request, from: context.remoteAddress?.ipAddress ?? "unknown")
        }
        router.get("/healthz") { _, _ in try await self.healthReport() }
        router.get("/api/corpus") { _, _ in
            Reply.json(try self.readers.withEngine { try $0.corpusSummary() })
        }
        router.get("/favicon.ico") { _, _ in
            Reply.text(Self.favicon, contentType: "image/svg+xml")
        }
        router.get("/metrics") { _, _ in
            self.metrics.indexDamaged.set(Double(self.health.knownDamage == nil ? 0 : 1))
            return Reply.text(self.metrics.render(indexPath: self.indexPath),
                          contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    // MARK: Handlers

    static func query(_ request: Request) throws -> String {
        try checked(parameter("q", of: request), name: "q")
    }

    /// A query-string parameter decoded as browsers and curl encode forms: `+` is a space, then
    /// percent-escapes (invalid escapes are kept as typed).
    static func parameter(_ name: String, of request: Request) -> String? {
        guard let query = request.uri.query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == name else { continue }
            let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            return raw.removingPercentEncoding ?? raw
        }
        return nil
    }

    static func checked(_ text: String?, name: String) throws -> String {
        do throws(AskRequest.Invalid) {
            return try AskRequest.checked(text, name: name)
        } catch {
            throw APIError(.badRequest, error.message)
        }
    }

    func search(_ request: Request) throws -> Response {
        let q = try Self.query(request)
        var limit = 10
        if let raw = Self.parameter("limit", of: request) {
            guard let n = Int(raw), (1...Self.maxSearchLimit).contains(n) else {
                throw APIError(.badRequest, "`limit` must be a whole number from 1 to \(Self.maxSearchLimit)")
            }
            limit = n
        }
        let key = "search\u{1}\(limit)\u{1}\(q)"
        let generation = IndexGeneration.current(indexPath: indexPath)
        if let cached = cache.value(for: key, generation: generation) { return Reply.text(cached) }
        let json = try readers.withEngine { JSONOutput.encode(SearchResponse(try $0.search(q, limit: limit))) }
        cache.store(json, for: key, generation: generation)
        return Reply.text(json)
    }

    func ask(question: String, history: [ConversationTurn]) throws -> Response {
        // A follow-up depends on the previous question only.
        let key = "ask\u{1}\(history.last?.question ?? "")\u{1}\(question)"
        let generation = IndexGeneration.current(indexPath: indexPath)
        if let cached = cache.value(for: key, generation: generation) { return Reply.text(cached) }
        let json = try readers.withEngine { engine -> String in
            let result = try engine.ask(question, history: history)
            return JSONOutput.encode(AskResponse(result.answer, query: result.search.query))
        }
        cache.store(json, for: key, generation: generation)
        return Reply.text(json)
    }

    /// 200 "ok", or 503 "degraded" with each reason: damage a request found (or this check finds), an
    /// update that keeps failing, a vector pass that keeps failing.
    func healthReport() async throws -> Response {
        var indexError = health.currentDamage()
        var counts = (documents: 0, chunks: 0)
        do {
            counts = try readers.withEngine { try $0.counts() }
        } catch {
            guard Engine.failure(of: error) != .other else { throw error }
            health.noteDamage(error)
            indexError = "\(error)"
        }
        let updateError = await reindexer.lastFailure
        let vectorError = await reindexer.vectorFailure
        let degraded = indexError != nil || updateError != nil || vectorError != nil
        metrics.indexDamaged.set(Double(indexError == nil ? 0 : 1))
        return Reply.json(HealthResponse(status: degraded ? "degraded" : "ok", documents: counts.documents,
                                         chunks: counts.chunks, updateError: updateError, indexError: indexError,
                                         vectorError: vectorError),
                          status: degraded ? .serviceUnavailable : .ok)
    }

    func reindex(_ request: Request, from client: String) async throws -> Response {
        guard let token else {
            throw APIError(.forbidden, "reindexing over HTTP is off: start the server with --token-file FILE or ASKDOCS_TOKEN set")
        }
        // No credential at all is not a guess: it is told what to send, and not counted.
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "a valid `Authorization: Bearer <token>` header is required",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        let now = ContinuousClock.now
        if refusals.withLock({ $0.isLimited(client, at: now) }) {
            throw APIError(.tooManyRequests, "too many refused attempts; wait a minute",
                           headers: [.retryAfter: "60"])
        }
        guard header.hasPrefix("Bearer "), Self.constantTimeEqual(String(header.dropFirst(7)), token) else {
            refusals.withLock { $0.record(client, at: now) }
            throw APIError(.unauthorized, "a valid `Authorization: Bearer <token>` header is required",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        do {
            return Reply.json(ReindexResponse(try await reindexer.reindex()))
        } catch let error as EngineError {
            // A vanished corpus, refused so as not to empty the index: the token holder is told why.
            throw APIError(.conflict, "\(error)")
        }
    }

    /// Compares without an early exit, so the time taken says nothing of how much of the token matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0 && !y.isEmpty
    }
}

/// Refused reindex attempts in the last minute, per client address; past a handful, that address is turned
/// away before the token is even compared. Per address, so that strangers guessing cannot lock the operator
/// out (a 16-character token is not guessed at ten tries a minute from any number of addresses).
struct RefusalWindow {
    static let limit = 10
    static let window = Duration.seconds(60)
    /// Beyond this many addresses the ones with the oldest refusals are forgotten, bounding the memory a
    /// flood from many addresses can take.
    static let maxClients = 10_000
    var times: [String: [ContinuousClock.Instant]] = [:]

    mutating func record(_ client: String, at now: ContinuousClock.Instant) {
        times[client, default: []].append(now)
        times[client]!.removeAll { now - $0 > Self.window }
        if times.count > Self.maxClients {
            times = times.filter { $0.value.contains { now - $0 <= Self.window } }
            while times.count > Self.maxClients, let oldest = times.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) }) {
                times[oldest.key] = nil
            }
        }
    }

    func isLimited(_ client: String, at now: ContinuousClock.Instant) -> Bool {
        (times[client] ?? []).filter { now - $0 <= Self.window }.count >= Self.limit
    }
}
