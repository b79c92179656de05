// Issue #17 over HTTP: damage found while answering makes /healthz tell the truth (503, the reason) and
// clients get a 503 without paths or SQL; malformed or late bodies are the client's 4xx; HTTP/1.0 closes;
// refused reindex attempts are counted per client address.

import AskDocsEngine
@testable import AskDocsServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct FaultTests {
    /// Garbles every third page of the second half of the index file, as a failing disk or a stray write
    /// would, keeping the header so that opening it still works.
    static func garble(_ path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        var offset = size / 2
        var generator = SystemRandomNumberGenerator()
        while offset + 4096 < size {
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            offset += 4096 * 3
        }
    }

    @Test func damageFoundByARequestMakesHealthDegraded() async throws {
        let fx = try Fixture()
        defer { fx.remove() }
        var configuration = fx.configuration()
        // Enough pages that the damage misses the header and the schema.
        for i in 0..<40 {
            try fx.write("post-\(i).md", "# Post \(i)\n\n" + (0..<60).map { "Paragraph \($0) of post \(i) talks about topic\(i)x\($0) at length." }.joined(separator: "\n\n"))
        }
        // Built and closed first, so that everything is in the main file (no write-ahead log left).
        do {
            let engine = try Engine(indexPath: fx.index, corpusPath: fx.corpus)
            engine.usesVectors = false
            _ = try engine.reindex()
        }
        try Self.garble(fx.index)
        configuration.update = false
        configuration.logLevel = .critical
        let app = try await buildApplication(configuration)
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var bodies: [String] = []
            for i in 0..<40 {
                try await client.execute(uri: "/api/search?q=topic\(i)x\(i)", method: .get) { r in
                    statuses.append(r.status)
                    bodies.append(String(buffer: r.body))
                }
            }
            let damaged = statuses.indices.filter { statuses[$0] == .serviceUnavailable }
            try #require(!damaged.isEmpty, "no request met the damage: \(statuses)")
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .serviceUnavailable }, "\(statuses)")
            for i in damaged {
                #expect(bodies[i].contains("the index is damaged"))
                #expect(!bodies[i].contains(fx.index) && !bodies[i].contains("SELECT") && !bodies[i].contains("SQLite"), "\(bodies[i])")
            }
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                let body = try json(r)
                #expect(body["status"] as? String == "degraded")
                #expect((body["indexError"] as? String ?? "").contains("damaged"), "\(body)")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains("askdocs_index_damaged 1"))
            }
        }
    }

    @Test func refusalsAreCountedPerClient() {
        var window = RefusalWindow()
        let now = ContinuousClock.now
        for _ in 0..<RefusalWindow.limit { window.record("203.0.113.9", at: now) }
        #expect(window.isLimited("203.0.113.9", at: now))
        #expect(!window.isLimited("127.0.0.1", at: now), "a stranger's guesses lock the operator out")
        #expect(!window.isLimited("203.0.113.9", at: now + .seconds(61)))
    }

    /// A request with no credential is told what to send (401), full window or not: only guesses count.
    @Test func aMissingCredentialIsNotAGuess() async throws {
        try await withServer(token: "a-long-enough-token-1234") { _, client in
            for _ in 0..<(RefusalWindow.limit + 2) {
                try await client.execute(uri: "/api/reindex", method: .post) { r in #expect(r.status == .unauthorized) }
            }
            for _ in 0..<RefusalWindow.limit {
                try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer nope"]) { _ in }
            }
            try await client.execute(uri: "/api/reindex", method: .post) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/reindex", method: .post, headers: [.authorization: "Bearer nope"]) { r in
                #expect(r.status == .tooManyRequests)
            }
        }
    }

    @Test func manyStrangersStayWithinTheMemoryBound() {
        var window = RefusalWindow()
        let now = ContinuousClock.now
        for i in 0..<(RefusalWindow.maxClients + 50) { window.record("10.0.\(i / 256).\(i % 256)", at: now) }
        #expect(window.times.count <= RefusalWindow.maxClients)
    }

    /// Sends `request` on a fresh connection and reads until the server closes it or `wait` passes;
    /// what came back and whether the server closed.
    static func exchange(port: Int, _ request: String, wait: Double = 5) -> (response: String, closed: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return ("", false) }
        var timeout = timeval(tv_sec: Int(wait), tv_usec: Int((wait - Double(Int(wait))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if n < 0 { return (String(decoding: received, as: UTF8.self), false) }
            received += buffer[0..<n]
        }
    }

    @Test func clientMistakesAre4xxAndHTTP10Closes() async throws {
        try await withServer(live: true, configure: { $0.readTimeout = .seconds(30) }) { _, client in
            let port = try #require(client.port)
            // The idle timeout is 30 s: a close within 5 s is the server honouring HTTP/1.0.
            let old = Self.exchange(port: port, "GET /healthz HTTP/1.0\r\n\r\n")
            #expect(old.response.hasPrefix("HTTP/1.1 200"), "\(old.response)")
            #expect(old.closed, "an HTTP/1.0 connection was held open")
            let keptAlive = Self.exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", wait: 1)
            #expect(keptAlive.response.hasPrefix("HTTP/1.1 200") && !keptAlive.closed)
            let badChunk = Self.exchange(port: port, "POST /api/ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                         + "Content-Type: application/json\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
            #expect(badChunk.response.hasPrefix("HTTP/1.1 400"), "\(badChunk.response)")
            #expect(!badChunk.response.contains("internal error"))
        }
    }
}
