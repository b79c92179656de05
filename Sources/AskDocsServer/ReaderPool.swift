// Read-only engines over the index, one per request at a time: each wraps its own SQLite connection (WAL
// readers never wait for the writer and see only committed reindexes), with its prepared statements kept.

import AskDocsEngine
import Foundation
import Synchronization

/// An engine lent to exactly one request at a time by `ReaderPool`; never shared concurrently.
final class PooledEngine: @unchecked Sendable {
    let engine: Engine
    init(_ engine: Engine) { self.engine = engine }
}

public final class ReaderPool: Sendable {
    let indexPath: String
    /// Readers kept between requests; sized to the cores by default.
    let capacity: Int
    private let idle = Mutex<[PooledEngine]>([])

    /// Whether the readers compare questions with the chunks' vectors.
    let vectors: Bool

    public init(indexPath: String, capacity: Int = ProcessInfo.processInfo.activeProcessorCount * 2, vectors: Bool = true) {
        self.indexPath = indexPath
        self.vectors = vectors
        self.capacity = max(1, capacity)
    }

    /// Runs `body` with an engine of its own: an idle one, or a new one when all are busy (kept
    /// afterwards only while the pool is under capacity).
    public func withEngine<T>(_ body: (Engine) throws -> T) throws -> T {
        let lease = try idle.withLock { $0.popLast() } ?? {
            let engine = try Engine(readingAt: indexPath)
            engine.usesVectors = vectors
            return PooledEngine(engine)
        }()
        defer {
            idle.withLock { engines in
                if engines.count < capacity { engines.append(lease) }
            }
        }
        return try body(lease.engine)
    }
}
