// What `/healthz` knows beyond the reindexer's own failures: damage to the index file that a request ran
// into, remembered until the file changes (a rebuild), and the request context that carries the client's
// address.

import AskDocsEngine
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Damage found while answering: a page nothing had read until a question did. `/healthz` opening the
/// file and counting its rows would not notice it, so requests report it here, and it is reported until
/// SQLite's quick check of the file (at most every `recheckInterval`) passes again: the index was rebuilt.
final class ServerHealth: Sendable {
    let indexPath: String
    static let recheckInterval = Duration.seconds(10)
    private let damage = Mutex<(reason: String, checked: ContinuousClock.Instant)?>(nil)

    init(indexPath: String) { self.indexPath = indexPath }

    /// Whether this is news (nothing was known before): every request meets the same damage, and the log
    /// says it once.
    @discardableResult
    func noteDamage(_ error: Error) -> Bool {
        damage.withLock { known in
            defer { if known == nil { known = ("\(error)", .now) } }
            return known == nil
        }
    }

    /// The damage found, without checking again.
    var knownDamage: String? { damage.withLock { $0?.reason } }

    /// The damage found, unless a quick check, due now, finds the file whole.
    func currentDamage() -> String? {
        guard let seen = damage.withLock({ found -> (reason: String, checked: ContinuousClock.Instant)? in
            guard let seen = found, ContinuousClock.now - seen.checked >= Self.recheckInterval else { return nil }
            found?.checked = .now
            return seen
        }) else { return knownDamage }
        guard let reader = try? Engine(readingAt: indexPath), reader.quickCheckProblems() == nil else { return seen.reason }
        damage.withLock { $0 = nil }
        return nil
    }
}

/// Hummingbird's basic context plus the client's address, which reindex refusals are counted per.
struct AskDocsRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
