// What the server exposes and to whom: no parameter or path reaches the file system, CORS stays off unless
// an origin is configured, binding beyond loopback without a token is warned about, and the header and
// body limits hold on a real socket.

@testable import AskDocsServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ExposureTests {
    /// Paths that would reach files if anything served from disk: only the embedded page and spec exist.
    @Test(arguments: [
        "/../../etc/passwd", "/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd",
        "/chat.html", "/Resources/chat.html", "/Package.swift", "/Corpus/flask-vs-django-vs-fastapi.txt",
        "/corpus/flask-vs-django-vs-fastapi.txt", "/index/askdocs.sqlite", "/api/../Package.swift",
        "/api/ask/../../../etc/passwd", "/openapi.json/../Package.swift", "//etc/passwd",
    ])
    func noPathReachesTheFileSystem(path: String) async throws {
        try await withServer { fx, client in
            try await client.execute(uri: path, method: .get) { r in
                #expect(r.status == .notFound, "\(path)")
                let body = String(buffer: r.body)
                #expect(!body.contains("root:") && !body.contains("PackageDescription") && !body.contains("Flask"),
                        "\(path): \(body.prefix(200))")
            }
        }
    }

    /// Parameters the routes do not know are ignored: a reindex asked to use another corpus or index
    /// reindexes the configured ones, and searches read only the configured index.
    @Test func parametersNeverChooseFilesOrFolders() async throws {
        let token = "traversal-token-0123456789"
        try await withServer(token: token) { fx, client in
            for query in ["corpus=../../etc", "corpus=/etc", "index=/tmp/evil.sqlite", "path=..%2f..%2fetc%2fpasswd"] {
                try await client.execute(uri: "/api/reindex?\(query)", method: .post,
                                         headers: [.authorization: "Bearer \(token)"]) { r in
                    #expect(r.status == .ok, "\(query)")
                    let body = try json(r)
                    #expect(body["documents"] as? Int == 1, "\(query): \(body)")
                    #expect(body["added"] as? Int == 0 && body["removed"] as? Int == 0, "\(query): \(body)")
                }
            }
            #expect(!FileManager.default.fileExists(atPath: "/tmp/evil.sqlite"))
            try await client.execute(uri: "/api/search?q=root&corpus=/etc&index=/etc/passwd", method: .get) { r in
                #expect(r.status == .ok)
                let sources = (try json(r)["results"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
                #expect(sources.allSatisfy { $0 == "flask-vs-django-vs-fastapi.txt" }, "\(sources)")
            }
        }
    }

    @Test func reindexRefusesOtherSchemesAndNearMisses() async throws {
        let token = "s3cret-token-0123456789"
        try await withServer(token: token) { fx, client in
            let nearMisses = ["Basic \(token)", "bearer \(token)", "Bearer  \(token)", "Bearer \(token.dropLast())",
                              "Bearer \(token.dropLast())X", "Bearer \(token)0", token, "Bearer"]
            for value in nearMisses {
                try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: value]) { r in
                    #expect(r.status == .unauthorized, "\(value)")
                }
            }
            // (Trailing spaces are not a near miss: HTTP strips them from field values before the server sees them.)
            // The window is full after ten refusals: the right token is turned away too, with Retry-After,
            // and no reindex runs.
            for _ in nearMisses.count..<RefusalWindow.limit {
                try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer x"]) { _ in }
            }
            try fx.write("late.md", "# Late\n\nThe heron arrives late.\n")
            try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer \(token)"]) { r in
                #expect(r.status == .tooManyRequests)
                #expect(r.headers[.retryAfter] == "60")
            }
            try await client.execute(uri: "/healthz", method: .get) { r in
                let documents = try json(r)["documents"] as? Int
                #expect(documents == 1)
            }
        }
    }

    @Test func refusalWindowForgetsAfterAMinute() {
        var window = RefusalWindow()
        let start = ContinuousClock.now
        for i in 0..<RefusalWindow.limit { window.record("192.0.2.1", at: start + .milliseconds(i)) }
        #expect(window.isLimited("192.0.2.1", at: start + .seconds(1)))
        #expect(!window.isLimited("192.0.2.1", at: start + .seconds(61)))
    }

    @Test func noCORSHeadersUnlessAnOriginIsConfigured() async throws {
        try await withServer { fx, client in
            try await client.execute(uri: "/api/ask?q=orm", method: .get, headers: [.origin: "https://evil.example"]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/api/ask", method: .options,
                                     headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.accessControlAllowOrigin] == nil)
                #expect(r.headers[.accessControlAllowMethods] == nil)
            }
        }
    }

    @Test func configuredOriginGetsPreflightAndHeadersOthersDoNot() async throws {
        let origin = "https://docs.example.com"
        try await withServer(configure: { $0.corsOrigin = origin }) { fx, client in
            try await client.execute(uri: "/api/ask", method: .options,
                                     headers: [.origin: origin, .accessControlRequestMethod: "POST",
                                               .accessControlRequestHeaders: "content-type"]) { r in
                #expect(r.status == .noContent)
                #expect(r.headers[.accessControlAllowOrigin] == origin)
                #expect(r.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(r.headers[.accessControlAllowHeaders]?.lowercased().contains("content-type") == true)
                #expect(r.headers[.vary] == "Origin")
            }
            try await client.execute(uri: "/api/ask", method: .options,
                                     headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/api/ask?q=orm", method: .get, headers: [.origin: origin]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.accessControlAllowOrigin] == origin)
            }
            // Errors keep their JSON body and carry the header, so a page can read the message.
            try await client.execute(uri: "/api/ask", method: .get, headers: [.origin: origin]) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.accessControlAllowOrigin] == origin)
                let message = try json(r)["error"] as? String
                #expect(message?.contains("`q`") == true)
            }
            try await client.execute(uri: "/api/ask?q=orm", method: .get, headers: [.origin: "https://evil.example"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func exposureWarningOnlyBeyondLoopbackWithoutAToken() {
        var c = ServerConfiguration()
        for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
            c.host = host
            #expect(c.exposureWarning == nil, "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.10"] {
            c.host = host
            c.token = nil
            #expect(c.exposureWarning?.contains("listening on \(host) without a token") == true, "\(host)")
            c.token = "a-long-enough-token-1234"
            #expect(c.exposureWarning == nil, "\(host) with a token")
        }
    }

    /// The NIO decoder limits and the body limit, over a real socket.
    @Test func headerAndBodyLimitsHoldOnASocket() async throws {
        try await withServer(live: true) { fx, client in
            let fits = String(repeating: "a", count: ServerConfiguration.maxHeaderFieldBytes - 1_000)
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Pad")!: fits]) { r in
                #expect(r.status == .ok)
            }
        }
        try await withServer(live: true) { fx, client in
            let oversized = String(repeating: "a", count: 100 * 1024)
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Pad")!: oversized]) { r in
                #expect(r.status == .badRequest)
            }
        }
        try await withServer(live: true) { fx, client in
            let body = #"{"question": "orm", "pad": ""# + String(repeating: "a", count: APIRoutes.maxBodyBytes) + #""}"#
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .badRequest)
            }
            let small = #"{"question": "orm", "pad": ""# + String(repeating: "a", count: APIRoutes.maxBodyBytes - 100) + #""}"#
            try await client.execute(uri: "/api/ask", method: .post, body: ByteBuffer(string: small)) { r in
                #expect(r.status == .ok)
            }
        }
    }
}
