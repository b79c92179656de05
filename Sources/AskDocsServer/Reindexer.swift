// The server's one writer: reindexes run here one at a time (an actor), whether asked for over HTTP or
// noticed by the corpus watcher; readers keep answering from the last committed index meanwhile.

import AskDocsEngine
import Foundation

public actor Reindexer {
    let engine: Engine
    let metrics: ServerMetrics
    let cache: AnswerCache
    public private(set) var last: IndexSummary?

    public init(indexPath: String, corpusPath: String?, metrics: ServerMetrics, cache: AnswerCache) throws {
        engine = try Engine(indexPath: indexPath, corpusPath: corpusPath)
        if engine.corpusPath == nil { engine.adoptCorpus("Corpus") }
        self.metrics = metrics
        self.cache = cache
    }

    public var corpusPath: String? { engine.corpusPath }

    /// Brings the index up to date with the corpus (incrementally) and reports what it did.
    public func reindex() throws -> IndexSummary {
        let summary = try engine.reindex()
        last = summary
        if summary.changedAnything || summary.schemaRebuilt { cache.removeAll() }
        metrics.recordReindex(summary)
        return summary
    }

    /// Whether files changed since the last reindex; the signature tells successive scans apart so that a
    /// burst of writes is waited out before reindexing.
    public func pendingChanges() throws -> String? {
        guard let plan = try engine.staleness(), !plan.isCurrent else { return nil }
        return plan.toRead.map { "\($0.relativePath)|\($0.size)|\($0.mtime)" }.joined(separator: "\n")
            + "\n-" + plan.vanished.map(\.path).joined(separator: "\n")
    }
}
