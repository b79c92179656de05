// The vector pass in a running server: chunks that a reindex wrote (or that were never embedded) get their
// vectors in the background, a small batch at a time on the Reindexer, while the readers answer with words
// alone until every chunk has one.

import AskDocsEngine
import Foundation
import Logging
import ServiceLifecycle

struct VectorPassService: Service {
    let reindexer: Reindexer
    let logger: Logger
    /// How often to look again once nothing is left to embed.
    var idleInterval = Duration.seconds(1)

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var embedded = 0
                var started = ContinuousClock.now
                while !Task.isCancelled {
                    let count: Int
                    do {
                        count = try await reindexer.embedBatch()
                    } catch {
                        logger.error("vectors: embedding failed; questions are ranked by words alone", metadata: ["error": "\(error)"])
                        try await Task.sleep(for: .seconds(30))
                        continue
                    }
                    if count > 0 {
                        if embedded == 0 { started = .now }
                        embedded += count
                        continue
                    }
                    if embedded > 0 {
                        let elapsed = ContinuousClock.now - started
                        logger.info("vectors: embedded \(embedded.counted("chunk")) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
                        embedded = 0
                    }
                    try await Task.sleep(for: idleInterval)
                }
            }
        } catch is CancellationError {
            // Shutdown: the batch being embedded was committed or never started; the next start resumes.
        }
    }
}
