// Read-only engines over the index, one per request at a time: each wraps its own SQLite connection (WAL
// readers never wait for the writer and see only committed reindexes), with its prepared statements kept.

import AskDocsEngine
import Foundation
import Synchronization

/// An engine lent to exactly one request at a time by `ReaderPool`; never shared concurrently.
final class PooledEngine: @unchecked Sendable {
    let engine: Engine
    /// The file it opened: an index rebuilt with `index --full` is a new file at the same path.
    let file: FileIdentity?
    init(_ engine: Engine, file: FileIdentity?) {
        self.engine = engine
        self.file = file
    }
}

struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
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
        let file = FileIdentity(path: indexPath)
        var kept = idle.withLock { $0.popLast() }
        if kept != nil, kept?.file != file {
            // The index was replaced (rebuilt): readers of the old file are let go.
            idle.withLock { $0.removeAll { $0.file != file } }
            kept = nil
        }
        let lease = try kept ?? {
            let engine = try Engine(readingAt: indexPath)
            engine.usesVectors = vectors
            return PooledEngine(engine, file: file)
        }()
        do {
            let result = try body(lease.engine)
            idle.withLock { engines in
                if engines.count < capacity { engines.append(lease) }
            }
            return result
        } catch {
            // A reader that met damage may hold the damaged pages in its cache: it is not lent again.
            if Engine.failure(of: error) != .damaged {
                idle.withLock { engines in
                    if engines.count < capacity { engines.append(lease) }
                }
            }
            throw error
        }
    }
}
