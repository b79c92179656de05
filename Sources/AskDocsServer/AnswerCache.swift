// A bounded cache of encoded responses for repeated questions. Entries are tagged with the index
// generation they were computed from, so a reindex (by this server or by `askdocs index`) retires them.

import Foundation
import Synchronization

/// Which committed state the index file is in, read from the file system: every commit writes the
/// write-ahead log (and a checkpoint the main file), so their sizes and modification times change. A
/// `stat` pair per request instead of a query; a spurious change only empties the cache.
enum IndexGeneration {
    static func current(indexPath: String) -> String {
        var main = stat(), wal = stat()
        let hasMain = stat(indexPath, &main) == 0
        let hasWAL = stat(indexPath + "-wal", &wal) == 0
        return "\(hasMain ? main.st_size : -1).\(hasMain ? main.st_mtim.tv_sec : 0).\(hasMain ? main.st_mtim.tv_nsec : 0)/"
            + "\(hasWAL ? wal.st_size : -1).\(hasWAL ? wal.st_mtim.tv_sec : 0).\(hasWAL ? wal.st_mtim.tv_nsec : 0)"
    }
}

public final class AnswerCache: Sendable {
    struct Entry {
        var body: String
        var generation: String
        var lastUse: UInt64
    }
    struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 2048) { self.capacity = max(0, capacity) }

    public func value(for key: String, generation: String) -> String? {
        state.withLock { s in
            s.clock += 1
            guard let e = s.entries[key], e.generation == generation else {
                s.misses += 1
                return nil
            }
            s.entries[key]?.lastUse = s.clock
            s.hits += 1
            return e.body
        }
    }

    public func store(_ body: String, for key: String, generation: String) {
        guard capacity > 0 else { return }
        state.withLock { s in
            s.clock += 1
            if s.entries.count >= capacity {
                // Evict the least recently used eighth at once, so eviction is rare and cheap on average.
                let victims = s.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(max(1, capacity / 8))
                for (k, _) in victims { s.entries[k] = nil }
            }
            s.entries[key] = Entry(body: body, generation: generation, lastUse: s.clock)
        }
    }

    public func removeAll() { state.withLock { $0.entries.removeAll() } }

    public var statistics: (entries: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.hits, $0.misses) }
    }
}
