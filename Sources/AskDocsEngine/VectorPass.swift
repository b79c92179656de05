// The second pass of indexing: every chunk the text pass wrote without a vector gets one, in batches of
// one transaction each, so that a killed pass resumes where it stopped and an incremental reindex embeds
// only new or changed chunks. The index answers with words alone until the pass is complete.

import AskDocsCore
import AskDocsEncoder
import AskDocsIndex
import Foundation

public struct VectorPassSummary: Sendable, Equatable {
    /// Chunks embedded by this pass.
    public var embedded: Int
    /// Chunks with a vector after it (all of them unless it was stopped).
    public var total: Int
    public var seconds: Double
    public var line: String {
        embedded == 0 ? "vectors: all \(total.counted("chunk")) embedded"
            : "vectors: embedded \(embedded.counted("chunk"))"
                + String(format: " in %.1f s (%.0f chunks/s)", seconds, Double(embedded) / max(seconds, 1e-9))
    }
}

public enum VectorPass {
    /// (chunks embedded so far, chunks to embed in all, seconds since the pass began).
    public typealias Progress = (Int, Int, Double) -> Void

    /// Chunks per transaction: ~3 s of work on two cores, the most a kill can lose.
    public static let batchSize = 256

    /// Embeds every chunk that has no vector. `shouldStop` is asked between batches (a server shutting down).
    public static func run(index: SearchIndex, encoder: SentenceEncoder, modelName: String,
                           batchSize: Int = batchSize, progress: Progress? = nil,
                           shouldStop: () -> Bool = { false }) throws -> VectorPassSummary {
        try index.useVectorModel(modelName, dimension: encoder.dimension)
        let start = ContinuousClock.now
        func seconds() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let counts = try index.vectorCounts()
        var embedded = 0
        while embedded < counts.missing, !shouldStop() {
            let batch = try index.chunksWithoutVectors(limit: batchSize)
            if batch.isEmpty { break }
            let vectors = encoder.embed(batch.map(\.text))
            // An indexing run of another process can hold the write lock for longer than SQLite's busy
            // timeout: wait for it (bounded) rather than lose the batch.
            try SQLiteError.retryingWhileBusy(for: 600) {
                try index.storeVectors(zip(batch, vectors).map { ($0.id, QuantizedVector($1)) })
            }
            embedded += batch.count
            progress?(min(embedded, counts.missing), counts.missing, seconds())
        }
        return VectorPassSummary(embedded: embedded, total: counts.embedded + embedded, seconds: seconds())
    }
}
