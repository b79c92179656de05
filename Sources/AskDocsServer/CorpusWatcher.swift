// `--watch`: notices added, changed and removed corpus files by polling the same size+mtime scan that
// `askdocs index` plans with (cheap: no file is read unless it changed), waits for a burst of writes to
// settle, and asks the Reindexer for one incremental reindex.

import Foundation
import Logging
import ServiceLifecycle

public struct CorpusWatcher: Service {
    let reindexer: Reindexer
    let interval: Duration
    let logger: Logger

    public init(reindexer: Reindexer, interval: Duration = .milliseconds(400), logger: Logger) {
        self.reindexer = reindexer
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await watch()
        } catch is CancellationError {
            // Graceful shutdown cancels the loop, usually mid-sleep: that is how the watcher ends, not a
            // failure (thrown, it made `askdocs serve --watch` exit 1 on SIGTERM). A reindex under way is
            // not interrupted: it runs to its commit on the Reindexer before the cancellation is seen.
        }
    }

    func watch() async throws {
        try await cancelWhenGracefulShutdown {
            var lastFailure: String?
            var failures = 0
            while !Task.isCancelled {
                // After failures, wait longer between attempts (doubling, up to a minute): a missing
                // corpus or a full disk is not fixed in a second.
                let backoff = failures == 0 ? interval : min(interval * (1 << min(failures, 8)), .seconds(60))
                try await Task.sleep(for: backoff)
                do {
                    guard var pending = try await reindexer.pendingChanges() else {
                        // Scanned fine and nothing to do: whatever failed before is over.
                        if failures > 0 { await reindexer.clearFailure() }
                        failures = 0
                        lastFailure = nil
                        continue
                    }
                    // A burst (an editor's save, a copy of many files) makes one reindex: wait until two
                    // scans in a row agree, at most a few rounds.
                    for _ in 0..<8 {
                        try await Task.sleep(for: .milliseconds(150))
                        guard let again = try await reindexer.pendingChanges() else { break }
                        if again == pending { break }
                        pending = again
                    }
                    let summary = try await reindexer.reindex()
                    logger.info("watch: reindexed", metadata: ["summary": "\(summary.line)"])
                    lastFailure = nil
                    failures = 0
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // Said once, not at every scan, until it changes or a reindex succeeds.
                    failures += 1
                    let said = "\(error)"
                    if said != lastFailure {
                        if await reindexer.lastFailure != said { await reindexer.noteFailure(error) }
                        logger.error("watch: reindex failed, the previous index stays in use", metadata: ["error": "\(said)"])
                        lastFailure = said
                    }
                }
            }
        }
    }
}
