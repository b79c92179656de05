// The HTTP layer: every route and error in process, the OpenAPI document against the router, follow-ups,
// reindex auth, `--watch`, the real `askdocs serve` binary end to end, and the chat page in Chromium.

import AskDocsEngine
@testable import AskDocsServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import AskDocsTestSupport
import Testing

/// A temporary corpus holding the shipped post, and an index beside it.
struct Fixture: Sendable {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let root: URL
    var corpus: String { root.appendingPathComponent("corpus").path }
    var index: String { root.appendingPathComponent("index/askdocs.sqlite").path }

    init() throws {
        root = Scratch.path("server")
        try FileManager.default.createDirectory(atPath: root.appendingPathComponent("corpus").path,
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.repo.appendingPathComponent("Corpus/flask-vs-django-vs-fastapi.txt"),
            to: root.appendingPathComponent("corpus/flask-vs-django-vs-fastapi.txt"))
    }

    func configuration(token: String? = nil, watch: Bool = false) -> ServerConfiguration {
        var c = ServerConfiguration()
        c.indexPath = index
        c.corpusPath = corpus
        c.port = 0
        c.token = token
        c.watch = watch
        c.watchInterval = .milliseconds(200)
        c.logLevel = .warning
        // Words alone unless a test asks for vectors: the background vector pass would otherwise change
        // answers midway through a test, depending on timing.
        c.vectors = false
        return c
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root.appendingPathComponent("corpus/\(name)").path, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A fixture and the application over it, driven through the router (or over a socket with `live`);
/// the fixture is removed afterwards.
func withServer(token: String? = nil, watch: Bool = false, live: Bool = false,
                configure: (inout ServerConfiguration) -> Void = { _ in },
                _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
    let fx = try Fixture()
    defer { fx.remove() }
    var configuration = fx.configuration(token: token, watch: watch)
    configure(&configuration)
    let app = try await buildApplication(configuration)
    try await app.test(live ? .live : .router) { client in try await body(fx, client) }
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
}

func encoded(_ q: String) -> String {
    q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
}

@Suite struct RouteTests {
    @Test func askAnswersTheFlagshipWithItsCitation() async throws {
        try await withServer { fx, client in
            try await client.execute(uri: "/api/ask?q=\(encoded("which is fastest with a database?"))", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json; charset=utf-8")
                let body = try json(r)
                let answer = body["answer"] as? String ?? ""
                #expect(answer.contains("FastAPI") && answer.contains("440"))
                let citations = body["citations"] as? [[String: Any]] ?? []
                #expect(citations.first?["section"] as? String == "Real-World Benchmark With Database Calls")
                #expect(Set(body.keys) == ["question", "answer", "abstained", "citations", "passages", "code"])
                #expect(citations.first.map { $0.keys.contains("anchor") } == true)
            }
        }
    }

    @Test func searchHasTheCLIShapeAndHonoursLimit() async throws {
        try await withServer { fx, client in
            try await client.execute(uri: "/api/search?q=django+orm&limit=3", method: .get) { r in
                #expect(r.status == .ok)
                let body = try json(r)
                #expect(body["query"] as? String == "django orm")
                let results = body["results"] as? [[String: Any]] ?? []
                #expect((results.first?["section"] as? String)?.contains("ORM") == true)
                #expect(results.count == 3)
                #expect(Set(results.first?.keys.map { $0 } ?? []) ==
                        ["source", "title", "section", "anchor", "url", "score", "text", "snippet"])
            }
            for bad in ["0", "101", "ten", "-1"] {
                try await client.execute(uri: "/api/search?q=orm&limit=\(bad)", method: .get) { r in
                    #expect(r.status == .badRequest, "limit=\(bad)")
                }
            }
        }
    }

    @Test(.enabled(if: ModelStore.isInstalled(), "the model is not installed: run `askdocs model install`"))
    func theServerEmbedsTheCorpusInTheBackground() async throws {
        try await withServer(configure: { $0.vectors = true }) { fx, client in
            // The readers answer at once, with words alone, while the vector pass runs.
            try await client.execute(uri: "/api/ask?q=\(encoded("which is fastest with a database?"))", method: .get) { r in
                #expect(r.status == .ok)
            }
            var counts = (embedded: 0, missing: 1)
            for _ in 0..<300 where counts.missing > 0 || counts.embedded == 0 {
                try await Task.sleep(for: .milliseconds(100))
                counts = try Engine(readingAt: fx.index).vectorCounts()
            }
            let chunks = try Engine(readingAt: fx.index).counts().chunks
            #expect(counts.missing == 0 && counts.embedded == chunks)
            try await client.execute(uri: "/api/ask?q=\(encoded("which is fastest with a database?"))", method: .get) { r in
                let body = try json(r)
                #expect((body["answer"] as? String ?? "").contains("440"))
            }
        }
    }

    @Test func postAskUsesHistoryForFollowUps() async throws {
        try await withServer { fx, client in
            let first = #"{"question": "which is fastest?", "history": []}"#
            let followUp = #"{"question": "what about with a database?", "history": [{"question": "which is fastest?", "answer": "FastAPI leads the pack"}]}"#
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: first)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: followUp)) { r in
                let body = try json(r)
                #expect(body["question"] as? String == "what about with a database?")
                #expect((body["answer"] as? String ?? "").contains("440"), "\(body["answer"] ?? "")")
            }
            let django = #"{"question": "and Django?", "history": [{"question": "how many companies use flask in production?", "answer": ""}]}"#
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: django)) { r in
                let body = try json(r)
                let sections = (body["citations"] as? [[String: Any]] ?? []).compactMap { $0["section"] as? String }
                #expect(sections == ["Companies Using Django in Production"], "\(sections)")
                #expect((body["answer"] as? String ?? "").contains("2 million"))
            }
            // Without the history the same words are a different, vaguer question.
            try await client.execute(uri: "/api/ask?q=and+Django%3F", method: .get) { r in
                let sections = (try json(r)["citations"] as? [[String: Any]] ?? []).compactMap { $0["section"] as? String }
                #expect(sections != ["Companies Using Django in Production"])
            }
        }
    }

    @Test(arguments: [
        ("/api/ask", HTTPRequest.Method.get, "", HTTPResponse.Status.badRequest),
        ("/api/ask?q=", .get, "", .badRequest),
        ("/api/ask?q=%20%20", .get, "", .badRequest),
        ("/api/search", .get, "", .badRequest),
        ("/api/ask?q=<1,001 letters>", .get, "", .badRequest),
        ("/api/ask", .post, "{not json", .badRequest),
        ("/api/ask", .post, #"{"question": 3}"#, .badRequest),
        ("/api/ask", .post, #"{"question": ""}"#, .badRequest),
        ("/api/ask", .post, #"{"question": "x", "history": "no"}"#, .badRequest),
        ("/api/ask", .post, "", .badRequest),
        ("/api/nope", .get, "", .notFound),
        ("/api/ask", .delete, "", .methodNotAllowed),
        ("/healthz", .post, "", .methodNotAllowed),
        ("/api/reindex", .get, "", .methodNotAllowed),
        ("/api/reindex", .post, "", .forbidden),
    ])
    func errorsAreJSONWithTheRightStatus(uri: String, method: HTTPRequest.Method, body: String,
                                         status: HTTPResponse.Status) async throws {
        // Spelled out here so that the test's name in the log stays short.
        let uri = uri.replacingOccurrences(of: "<1,001 letters>", with: String(repeating: "a", count: 1_001))
        try await withServer { fx, client in
            try await client.execute(uri: uri, method: method, body: body.isEmpty ? nil : ByteBuffer(string: body)) { r in
                #expect(r.status == status)
                let decoded = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: r.body))
                #expect(!decoded.error.isEmpty)
                if status == .methodNotAllowed { #expect(r.headers[.allow] != nil) }
            }
        }
    }

    /// No valid request is over the limit, so a larger body is a bad request (400, which clients and
    /// schemathesis read as "refused"); the largest valid one, every character escaped at its longest, fits.
    @Test func oversizedBodyIs400AndTheLargestValidOneFits() async throws {
        try await withServer { fx, client in
            let big = #"{"question": "x", "pad": ""# + String(repeating: "a", count: APIRoutes.maxBodyBytes) + "\"}"
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: big)) { r in
                #expect(r.status == .badRequest)
                let error = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: r.body)).error
                #expect(error.contains("KB limit"))
            }
            let widest = String(repeating: "\\ud83e\\udd84", count: 1)  // one code point, 12 bytes as JSON
            func text(_ n: Int) -> String { String(repeating: widest, count: n) }
            let turn = #"{"question": ""# + text(AskRequest.maxQuestionCharacters) + #"", "answer": ""#
                + text(AskRequest.maxAnswerCharacters) + #""}"#
            let largest = #"{"question": ""# + text(AskRequest.maxQuestionCharacters - 1) + #"x", "history": ["#
                + Array(repeating: turn, count: AskRequest.maxHistoryTurns).joined(separator: ", ") + "]}"
            #expect(largest.utf8.count > 300_000 && largest.utf8.count <= APIRoutes.maxBodyBytes)
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: largest)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body).prefix(200))")
            }
        }
    }

    @Test(arguments: ["\"", "*", "NEAR(a b)", "a AND OR NOT", "title: x", "🦄🦄", "'; DROP TABLE chunks; --",
                      "\u{0}", "%", String(repeating: "(", count: 999)])
    func hostileQueriesNeverFail(_ q: String) async throws {
        try await withServer { fx, client in
            for route in ["/api/ask", "/api/search"] {
                try await client.execute(uri: "\(route)?q=\(encoded(q))", method: .get) { r in
                    #expect(r.status == .ok || r.status == .badRequest, "\(route) \(q): \(r.status)")
                }
            }
        }
    }

    @Test func reindexNeedsTheTokenAndReturnsTheSummary() async throws {
        let token = "s3cret-token-0123456789"
        try await withServer(token: token) { fx, client in
            try await client.execute(uri: "/api/reindex", method: .post) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/api/reindex", method: .post,
                                     headers: [.authorization: "Bearer \(token)x"]) { r in
                #expect(r.status == .unauthorized)
            }
            try fx.write("new-post.md", "# Caching\n\nA warm cache answers in microseconds, said the zebra.\n")
            try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer \(token)"]) { r in
                #expect(r.status == .ok)
                let body = try json(r)
                #expect(body["added"] as? Int == 1)
                #expect((body["summary"] as? String ?? "").contains("1 added"))
            }
            try await client.execute(uri: "/api/ask?q=what+does+the+zebra+say+about+a+warm+cache", method: .get) { r in
                let answer = try json(r)["answer"] as? String ?? ""
                #expect(answer.contains("zebra"))
            }
        }
    }

    @Test func refusedReindexAttemptsAreRateLimited() async throws {
        try await withServer(token: "a-long-enough-token-1234") { fx, client in
            for _ in 0..<RefusalWindow.limit {
                try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer nope"]) { r in
                    #expect(r.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/reindex", method: .post,
                                     headers: [.authorization: "Bearer a-long-enough-token-1234"]) { r in
                #expect(r.status == .tooManyRequests)
            }
        }
    }

    @Test func constantTimeComparison() {
        #expect(APIRoutes.constantTimeEqual("abc", "abc"))
        #expect(!APIRoutes.constantTimeEqual("abc", "abd"))
        #expect(!APIRoutes.constantTimeEqual("ab", "abc"))
        #expect(!APIRoutes.constantTimeEqual("abcd", "abc"))
        #expect(!APIRoutes.constantTimeEqual("", ""))
    }

    @Test func healthMetricsPageAndSpec() async throws {
        try await withServer { fx, client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                let body = try json(r)
                #expect(body["status"] as? String == "ok")
                #expect(body["documents"] as? Int == 1)
                #expect((body["chunks"] as? Int ?? 0) > 10)
            }
            // What the chat page says about the corpus: its folder's name (never the path), counts, when
            // it was indexed, and example questions from its headings.
            try await client.execute(uri: "/api/corpus", method: .get) { r in
                let body = try json(r)
                #expect(body["name"] as? String == "corpus")
                #expect(body["documents"] as? Int == 1)
                let indexedAt = try #require(body["indexedAt"] as? String)
                #expect(try Date(indexedAt, strategy: .iso8601).timeIntervalSinceNow > -600)
                let examples = body["examples"] as? [String] ?? []
                #expect(examples.count == 4 && examples.contains("What Is Flask?"), "\(examples)")
            }
            try await client.execute(uri: "/favicon.ico", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/svg+xml")
            }
            try await client.execute(uri: "/api/ask?q=\(encoded("how do I define a route in flask"))", method: .get) { r in
                let body = try json(r)
                let code = body["code"] as? [String] ?? []
                #expect(code.count == 1 && code[0].contains("@app.route") && (body["answer"] as? String ?? "").contains(code[0]),
                        "\(body)")
            }
            try await client.execute(uri: "/api/ask?q=orm", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains(#"askdocs_http_requests_total{route="/api/ask",method="GET",status="200"} 2"#))
                #expect(text.contains("askdocs_http_request_duration_seconds_bucket"))
                #expect(text.contains("askdocs_index_bytes"))
                #expect(text.contains("askdocs_last_reindex_timestamp_seconds"))
            }
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                let page = String(buffer: r.body)
                #expect(page.contains("<form id=\"ask\""))
                #expect(!page.contains("http://") && !page.contains("https://"), "no CDN or external resource")
                // A policy that allows the page's own script and style by hash, and nothing inline besides.
                let policy = r.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("script-src 'sha256-") && policy.contains("frame-ancestors 'none'")
                        && !policy.contains("unsafe-inline"), "\(policy)")
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(!page.contains("style=\""), "a style attribute would be blocked by the policy")
            }
        }
    }

    /// Every path and method the OpenAPI document names is served (not 404/405), and every route the
    /// server has is in the document.
    @Test func openAPIDocumentMatchesTheRouter() async throws {
        try await withServer { fx, client in
            let spec = try await client.execute(uri: "/openapi.json", method: .get) { try json($0) }
            #expect(spec["openapi"] as? String == "3.1.0")
            let paths = spec["paths"] as? [String: [String: Any]] ?? [:]
            var documented: [String: Set<String>] = [:]
            for (path, operations) in paths {
                documented[path] = Set(operations.keys.map { $0.uppercased() })
                for method in operations.keys {
                    let m = HTTPRequest.Method(rawValue: method.uppercased())!
                    let uri = path.hasPrefix("/api/") && m == .get ? path + "?q=orm" : path
                    let body = m == .post && path == "/api/ask" ? ByteBuffer(string: #"{"question": "orm"}"#) : nil
                    try await client.execute(uri: uri, method: m, body: body) { r in
                        #expect(r.status != .notFound && r.status != .methodNotAllowed, "\(method) \(path)")
                        let responses = (operations[method] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                        #expect(responses[String(r.status.code)] != nil, "\(method) \(path) answered \(r.status.code), undocumented")
                    }
                }
            }
            #expect(documented == APIRoutes.table.mapValues { Set($0.map(\.rawValue)) })
        }
    }
}

@Suite struct CacheTests {
    @Test func entriesOfAnotherGenerationAreMisses() {
        let cache = AnswerCache(capacity: 8)
        cache.store("a", for: "k", generation: "1")
        #expect(cache.value(for: "k", generation: "1") == "a")
        #expect(cache.value(for: "k", generation: "2") == nil)
    }

    @Test func staysWithinCapacityAndKeepsRecentlyUsed() {
        let cache = AnswerCache(capacity: 8)
        for i in 0..<8 { cache.store("\(i)", for: "k\(i)", generation: "g") }
        _ = cache.value(for: "k0", generation: "g")
        for i in 8..<20 { cache.store("\(i)", for: "k\(i)", generation: "g") }
        #expect(cache.statistics.entries <= 8)
        #expect(cache.value(for: "k19", generation: "g") == "19")
    }
}
