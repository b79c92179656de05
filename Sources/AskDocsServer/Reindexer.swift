// The server's one writer: reindexes run here one at a time (an actor), whether asked for over HTTP or
// noticed by the corpus watcher; readers keep answering from the last committed index meanwhile.

import AskDocsEngine
import Foundation

public actor Reindexer {
    /// Reopened when the file at `indexPath` is replaced (`askdocs index --full` rebuilt it beside the
    /// server), so that writes go to the index readers see, not to the one moved aside.
    private var writer: Engine
    private var writerFile: FileIdentity?
    let indexPath: String
    let usesVectors: Bool
    var engine: Engine {
        get throws {
            let file = FileIdentity(path: indexPath)
            if file != writerFile, file != nil {
                let corpus = writer.corpusPath
                writer = try Engine(indexPath: indexPath, corpusPath: corpus)
                writer.usesVectors = usesVectors
                writerFile = file
                vectorsPending = usesVectors
            }
            return writer
        }
    }
    let metrics: ServerMetrics
    let cache: AnswerCache
    public private(set) var last: IndexSummary?
    /// Why the last reindex failed, until one succeeds: `/healthz` reports it.
    public private(set) var lastFailure: String?
    /// Why embedding failed the last time, until a batch succeeds: `/healthz` reports it.
    public private(set) var vectorFailure: String?
    /// Whether chunks may lack vectors: set by every reindex that changed something, cleared when the
    /// vector pass finds none left.
    var vectorsPending: Bool

    public init(indexPath: String, corpusPath: String?, metrics: ServerMetrics, cache: AnswerCache,
                vectors: Bool = true) throws {
        writer = try Engine(indexPath: indexPath, corpusPath: corpusPath)
        writer.usesVectors = vectors
        writerFile = FileIdentity(path: indexPath)
        self.indexPath = indexPath
        usesVectors = vectors
        vectorsPending = vectors
        if writer.corpusPath == nil { writer.adoptCorpus("Corpus") }
        self.metrics = metrics
        self.cache = cache
    }

    public var corpusPath: String? { writer.corpusPath }

    /// Brings the index up to date with the corpus (incrementally) and reports what it did.
    public func reindex() throws -> IndexSummary {
        let summary: IndexSummary
        do {
            summary = try engine.reindex()
        } catch {
            lastFailure = "\(error)"
            metrics.recordReindexFailure()
            throw error
        }
        lastFailure = nil
        last = summary
        if summary.changedAnything || summary.schemaRebuilt {
            cache.removeAll()
            vectorsPending = true
        }
        metrics.recordReindex(summary)
        return summary
    }

    /// Records a failure to update that happened outside `reindex` (the scan before it).
    func noteFailure(_ error: Error) {
        lastFailure = "\(error)"
        metrics.recordReindexFailure()
    }

    /// The index is current again without a reindex (the corpus came back unchanged).
    func clearFailure() {
        lastFailure = nil
        metrics.updateFailing.set(Double(0))
    }

    /// Embeds one batch of chunks that lack a vector; how many it embedded (0: none left, or no model).
    /// Batches are small so that a reindex asked for meanwhile waits a second at most: the vector pass runs
    /// between reindexes, never inside one.
    public func embedBatch(size: Int = 64) throws -> Int {
        guard vectorsPending else { return 0 }
        var batches = 0
        let embedded: VectorPassSummary?
        do {
            embedded = try engine.embedVectors(batchSize: size, shouldStop: { defer { batches += 1 }; return batches >= 1 })
        } catch {
            vectorFailure = "\(error)"
            metrics.vectorFailures.increment()
            throw error
        }
        vectorFailure = nil
        guard let summary = embedded else {
            vectorsPending = false
            return 0
        }
        if summary.embedded == 0 { vectorsPending = false }
        return summary.embedded
    }

    /// (chunks with a vector, chunks without one yet).
    public func vectorCounts() throws -> (embedded: Int, missing: Int) { try engine.vectorCounts() }

    /// Whether files changed since the last reindex; the signature tells successive scans apart so that a
    /// burst of writes is waited out before reindexing.
    public func pendingChanges() throws -> String? {
        guard let plan = try engine.staleness(), !plan.isCurrent else { return nil }
        return plan.toRead.map { "\($0.relativePath)|\($0.size)|\($0.mtime)" }.joined(separator: "\n")
            + "\n-" + plan.vanished.map(\.path).joined(separator: "\n")
    }
}
