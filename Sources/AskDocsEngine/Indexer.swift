// Brings the index up to date with a corpus folder: files whose size and mtime are unchanged are skipped
// without reading; others are hashed and re-chunked only if their content changed; vanished files are
// removed. Everything happens in one transaction, so a crash leaves the previous index whole.

import AskDocsCore
import AskDocsIndex
import AskDocsIngest
import COpenSSLCrypto
import Foundation
import Synchronization

/// An errno from reading a corpus file; its description is the system's one-line message.
public struct FileReadError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public init(code: Int32) { self.code = code }
    public var description: String { String(cString: strerror(code)) }
}

public struct IndexSummary: Sendable, Codable, Equatable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    public var skipped = 0
    /// Chunks written by this run.
    public var chunksWritten = 0
    public var documents = 0
    public var chunks = 0
    public var seconds = 0.0
    public var full = false
    public var schemaRebuilt = false
    public var skippedFiles: [SkippedFile] = []
    /// Paths added, updated or removed (for `--verbose` and tests).
    public var changedPaths: [String] = []

    public var changedAnything: Bool { added + updated + removed > 0 }

    /// Skipped files counted by reason, most first (ties by name).
    public var skipCounts: [(reason: String, count: Int)] {
        Dictionary(grouping: skippedFiles, by: \.category).map { ($0.key, $0.value.count) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// "skipped 1,032 files: 497 Sphinx page source, 130 Sphinx source listing, …", or nil for none.
    public var skipLine: String? {
        guard !skippedFiles.isEmpty else { return nil }
        let parts = skipCounts.map { "\($0.count) \($0.reason)" }
        return "skipped \(skippedFiles.count.counted("file")): " + parts.joined(separator: ", ")
    }

    /// The one line the CLI prints.
    public var line: String {
        let mode = full ? "full rebuild" : "incremental"
        return "indexed (\(mode)): \(added) added, \(updated) updated, \(removed) removed, \(unchanged) unchanged, "
            + "\(skipped) skipped; \(chunksWritten.counted("chunk")) written; index holds \(documents.counted("document")), "
            + "\(chunks.counted("chunk")); \(String(format: "%.3f", seconds)) s"
    }
}

/// What scanning found, before anything is read: enough to tell whether the index is current.
public struct IndexPlan: Sendable {
    public var files: [CorpusFile]
    public var scanSkipped: [SkippedFile]
    public var stored: [PathKey: StoredDocument]
    /// Files new or with another size/mtime than recorded.
    public var toRead: [CorpusFile]
    public var vanished: [StoredDocument]
    /// Files a user's include rule names: indexed even when their content says a generator wrote them.
    public var forced: Set<PathKey> = []
    /// The user's include patterns: when they change, every file is read again.
    public var includeRules: String = ""
    /// Whether they differ from those the index was built with (a `!` line of `.askdocsignore` edited).
    public var includeRulesChanged = false
    public var isCurrent: Bool { toRead.isEmpty && vanished.isEmpty && !includeRulesChanged }
}

public enum Indexer {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    /// The `--include`/`--exclude` globs remembered in the index (none when never given).
    public static func storedFilters(_ index: SearchIndex) throws -> IndexFilters {
        guard let json = try index.meta("filters"), let filters = try? JSONDecoder().decode(IndexFilters.self, from: Data(json.utf8))
        else { return IndexFilters() }
        return filters
    }

    /// Scans `corpus` and compares it with what `index` holds. `filters` replaces the remembered
    /// `--include`/`--exclude` globs (nil: use them).
    public static func plan(corpus: String, index: SearchIndex, full: Bool, filters: IndexFilters? = nil) throws -> IndexPlan {
        // The folder walk (a stat per file, mostly kernel time) overlaps reading what the index holds.
        let scanned = Mutex<Result<(files: [CorpusFile], skipped: [SkippedFile]), Error>?>(nil)
        let scanDone = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            let result = Result { try CorpusScanner.scan(root: corpus) }
            scanned.withLock { $0 = result }
            scanDone.signal()
        }
        let storedResult = Result { try index.storedDocuments() }
        let skipsResult = Result { full ? [:] : try index.storedSkips() }
        scanDone.wait()
        let (files, skipped) = try scanned.withLock { $0! }.get()
        let stored = try storedResult.get()
        let skips = try skipsResult.get()
        let rules = IgnoreRules.load(root: corpus, filters: try filters ?? storedFilters(index))
        let generated = GeneratorLayout.generatedFolders(files: files)

        // One pass, one PathKey per file: this runs for every file of the corpus on every `ask`.
        var kept: [CorpusFile] = []
        var toRead: [CorpusFile] = []
        var knownSkipped: [SkippedFile] = []
        var unsupported: [SkippedFile] = []
        var duplicates: [(file: CorpusFile, reason: String, of: String)] = []
        var forced = Set<PathKey>()
        var present = Set<PathKey>(minimumCapacity: files.count)
        kept.reserveCapacity(files.count)
        for f in files {
            // A generator's folders first, then the user's rules, the last word theirs.
            var excludedBecause = generated.isEmpty ? nil : GeneratorLayout.reason(for: f.relativePath, in: generated)
            if !rules.patterns.isEmpty {
                switch rules.verdict(for: f.relativePath) {
                case .excluded(let p): excludedBecause = "excluded by \(p.origin) (\(p.text))"
                case .included:
                    excludedBecause = nil
                    forced.insert(PathKey(f.relativePath))
                case .unmentioned: break
                }
            }
            if let excludedBecause {
                unsupported.append(SkippedFile(path: f.relativePath, reason: excludedBecause))
                continue
            }
            guard DocumentFormat(path: f.relativePath) != nil else {
                unsupported.append(SkippedFile(
                    path: f.relativePath,
                    reason: SkipReason.unsupportedType(DocumentFormat.fileExtension(of: f.relativePath)).description))
                continue
            }
            let key = PathKey(f.relativePath)
            present.insert(key)
            // A file skipped as unreadable is tried again once it can be read: fixing its permissions
            // changes its ctime, not the mtime recorded.
            if !full, let skip = skips[key], skip.size == f.size, skip.mtime == f.mtime,
               !(skip.reason.hasPrefix(unreadablePrefix) && access(f.absolutePath, R_OK) == 0),
               // A page once skipped as generated is read again once a rule includes it.
               !(forced.contains(key) && !SkippedFile(path: f.relativePath, reason: skip.reason).isProblem
                 && skip.duplicateOf == nil) {
                if let original = skip.duplicateOf {
                    duplicates.append((f, skip.reason, original))
                } else {
                    knownSkipped.append(SkippedFile(path: f.relativePath, reason: skip.reason))
                }
                continue
            }
            kept.append(f)
            if !full, let s = stored[key], s.size == f.size, s.mtime == f.mtime { continue }
            toRead.append(f)
        }
        let vanished = stored.filter { !present.contains($0.key) }.map(\.value).sorted { $0.path < $1.path }
        // A file skipped for repeating another is read again when that other one changes or goes: it may
        // be the one to index now.
        if !duplicates.isEmpty {
            let moving = Set(toRead.map { PathKey($0.relativePath) } + vanished.map { PathKey($0.path) })
            var reread = false
            for d in duplicates {
                let original = PathKey(d.of)
                if moving.contains(original) || stored[original] == nil {
                    kept.append(d.file)
                    toRead.append(d.file)
                    reread = true
                } else {
                    knownSkipped.append(SkippedFile(path: d.file.relativePath, reason: d.reason))
                }
            }
            if reread {
                kept.sort { $0.relativePath < $1.relativePath }
                toRead.sort { $0.relativePath < $1.relativePath }
            }
        }
        return IndexPlan(files: kept, scanSkipped: skipped + unsupported + knownSkipped, stored: stored,
                         toRead: toRead, vanished: vanished, forced: forced, includeRules: rules.includeFingerprint,
                         includeRulesChanged: rules.includeFingerprint != (try index.meta("include_rules") ?? ""))
    }

    /// Reads a file's bytes with open(2) and read(2): not a memory map, since a file truncated by another
    /// process while mapped would kill the indexer with SIGBUS, and the errno itself, so that the skip
    /// message says what happened ("No such file or directory" for a file deleted since the scan).
    public static func contents(of file: CorpusFile) throws -> Data {
        let fd = open(file.absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(code: errno) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return data }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(code: errno)
            }
            data.append(contentsOf: buffer[..<n])
        }
    }

    /// Where a page is published: its own canonical http(s) URL, else `baseURL` joined with its path, else
    /// whatever absolute URL it declared (Debian's Sphinx pages point at their `file://` place).
    public static func pageURL(declared: String?, source: String, baseURL: String?) -> String? {
        if let declared, declared.hasPrefix("http://") || declared.hasPrefix("https://") { return declared }
        if let baseURL, !baseURL.isEmpty {
            let path = source.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? source
            return (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/" + path
        }
        return declared
    }

    /// Updates `index` from the folder `corpus`. `full` rebuilds every document from scratch. `read` is
    /// how file bytes are loaded (tests substitute one that changes the corpus mid-run); it is called from
    /// one background thread, file after file in the plan's order.
    ///
    /// Reading, hashing, parsing and chunking run ahead on other threads (`PreparedFiles`) while this
    /// thread writes to SQLite, which takes one writer: on 2 cores that halves a full build's wall time.
    ///
    /// Writers take turns: the plan is made before the write lock is taken, so once it is held the run
    /// checks that no other writer committed in between (SQLite's `data_version`) and otherwise plans again
    /// (usually finding nothing left to do). A lock held by another run is waited for up to `lockWait`
    /// seconds, `waiting` called once when the wait begins.
    public static func run(corpus: String, index: SearchIndex, full: Bool = false, filters: IndexFilters? = nil,
                           baseURL: String? = nil, allowEmpty: Bool = false,
                           chunker: Chunker = Chunker(),
                           sizeLimit: Int = SourceDecoder.defaultSizeLimit, progress: Progress? = nil,
                           lockWait: TimeInterval = 600, waiting: (() -> Void)? = nil,
                           read: @escaping @Sendable (CorpusFile) throws -> Data = contents(of:)) throws -> IndexSummary {
        while true {
            do {
                return try SQLiteError.retryingWhileBusy(for: lockWait, waiting: waiting) {
                    try runPlanned(corpus: corpus, index: index, full: full, filters: filters, baseURL: baseURL,
                                   allowEmpty: allowEmpty, chunker: chunker, sizeLimit: sizeLimit, progress: progress, read: read)
                }
            } catch is StalePlan {
                continue
            }
        }
    }

    /// Another writer committed between planning and taking the write lock.
    struct StalePlan: Error {}

    static func runPlanned(corpus: String, index: SearchIndex, full: Bool, filters: IndexFilters?, baseURL: String?,
                           allowEmpty: Bool, chunker: Chunker, sizeLimit: Int, progress: Progress?,
                           read: @escaping @Sendable (CorpusFile) throws -> Data) throws -> IndexSummary {
        let start = Date()
        let plannedAt = try index.dataVersion()
        var summary = IndexSummary()
        summary.schemaRebuilt = index.schemaWasRebuilt
        var full = full || index.schemaWasRebuilt
        summary.full = full
        let filtersChanged = try filters.map { $0 != (try storedFilters(index)) } ?? false
        var plan = try plan(corpus: corpus, index: index, full: full, filters: filters)
        // Files indexed only because a rule included them are not known as such: when the include rules
        // change, read everything again rather than keep a page no rule brings in any more.
        // Pages' URLs are resolved as they are written: another base URL rewrites them all.
        let storedBase = try index.meta("base_url") ?? ""
        let base = baseURL ?? storedBase
        if !full, plan.includeRulesChanged || base != storedBase {
            full = true
            summary.full = true
            plan = try Self.plan(corpus: corpus, index: index, full: true, filters: filters)
        }
        // No document left in the folder while the index holds some: an unmounted disk or a wrong path far
        // more often than a deliberate "delete everything".
        if plan.files.isEmpty, !plan.stored.isEmpty, !allowEmpty {
            throw EngineError.corpusVanished(path: corpus, documents: plan.stored.count)
        }
        summary.skippedFiles = plan.scanSkipped
        let rootPath = (corpus as NSString).standardizingPath
        let absoluteRoot = rootPath.hasPrefix("/") ? rootPath
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(rootPath)

        if plan.isCurrent && !full && !filtersChanged {
            summary.unchanged = plan.files.count
        } else {
            let previousHashes = plan.toRead.map { full ? nil : plan.stored[PathKey($0.relativePath)]?.contentHash }
            let prepared = PreparedFiles(files: plan.toRead, previousHashes: previousHashes,
                                         forced: plan.toRead.map { plan.forced.contains(PathKey($0.relativePath)) },
                                         sourceFolders: PreparedFiles.sourceFolders(plan.files),
                                         chunker: chunker,
                                         sizeLimit: sizeLimit, read: read)
            defer { prepared.stop() }
            try index.write { writer in
                guard try index.dataVersion() == plannedAt else { throw StalePlan() }
                if full { try writer.removeAll() }
                for gone in plan.vanished where !full {
                    try writer.remove(documentID: gone.id)
                    summary.removed += 1
                    summary.changedPaths.append(gone.path)
                }
                let readSet = Set(plan.toRead.map { PathKey($0.relativePath) })
                summary.unchanged = plan.files.filter { !readSet.contains(PathKey($0.relativePath)) }.count
                // Extracted-text hash → the file indexed with that text. Of files that say the same, the first
                // by path is indexed, whichever arrived first, so incremental runs agree with a full one.
                var owners: [String: StoredDocument] = [:]
                if !full {
                    let vanishedSet = Set(plan.vanished.map { PathKey($0.path) })
                    for (key, d) in plan.stored where !readSet.contains(key) && !vanishedSet.contains(key) && !d.textHash.isEmpty {
                        if let o = owners[d.textHash], o.path < d.path { continue }
                        owners[d.textHash] = d
                    }
                }
                /// Moves an indexed file that repeats `original`'s text (which sorts first) to the skipped list.
                func demote(_ owner: StoredDocument, to original: String) throws {
                    let reason = SkipReason.duplicate(of: original).description
                    try writer.remove(documentID: owner.id)
                    try writer.recordSkip(path: owner.path, size: owner.size, mtime: owner.mtime, reason: reason,
                                          duplicateOf: original)
                    summary.skippedFiles.append(SkippedFile(path: owner.path, reason: reason))
                    summary.removed += 1
                    summary.unchanged -= 1
                    summary.changedPaths.append(owner.path)
                }
                for (i, file) in plan.toRead.enumerated() {
                    progress?(i, plan.toRead.count)
                    let previous = full ? nil : plan.stored[PathKey(file.relativePath)]
                    func skip(_ reason: String, remember: Bool, duplicateOf: String? = nil) throws {
                        summary.skippedFiles.append(SkippedFile(path: file.relativePath, reason: reason))
                        if remember {
                            try writer.recordSkip(path: file.relativePath, size: file.size, mtime: file.mtime,
                                                  reason: reason, duplicateOf: duplicateOf)
                        }
                        if let previous {
                            try writer.remove(documentID: previous.id)
                            summary.removed += 1
                            summary.changedPaths.append(file.relativePath)
                        }
                    }
                    switch prepared.next() {
                    case .tooLarge:
                        // Known from the scan: an oversized file is never read (or hashed) at all.
                        try skip(SkipReason.tooLarge(bytes: Int(file.size), limit: sizeLimit).description, remember: true)
                    case .unreadable(let reason, let gone):
                        // Remembered, or every `ask` would see it pending and reindex; but not a file gone
                        // since the scan, which the next scan will not list.
                        try skip(SkipReason.unreadable(reason).description, remember: !gone)
                    case .unchanged:
                        let previous = previous!
                        if let owner = owners[previous.textHash], owner.path < previous.path {
                            try skip(SkipReason.duplicate(of: owner.path).description, remember: true,
                                     duplicateOf: owner.path)
                            continue
                        }
                        try writer.touch(documentID: previous.id, size: file.size, mtime: file.mtime)
                        owners[previous.textHash] = previous
                        summary.unchanged += 1
                    case .refused(let reason):
                        try skip(reason, remember: true)
                    case .parsed(var document, let chunks, let hash, let textHash):
                        document.url = pageURL(declared: document.url, source: document.source,
                                               baseURL: base.isEmpty ? nil : base)
                        if let owner = owners[textHash], owner.path != file.relativePath {
                            if owner.path < file.relativePath {
                                try skip(SkipReason.duplicate(of: owner.path).description, remember: true,
                                         duplicateOf: owner.path)
                                continue
                            }
                            try demote(owner, to: file.relativePath)
                        }
                        owners[textHash] = StoredDocument(id: -1, path: file.relativePath, contentHash: hash,
                                                          textHash: textHash, size: file.size, mtime: file.mtime)
                        try writer.forgetSkip(path: file.relativePath)
                        if let previous { try writer.remove(documentID: previous.id) }
                        try writer.add(document, chunks: chunks, contentHash: hash, textHash: textHash,
                                       size: file.size, mtime: file.mtime)
                        summary.chunksWritten += chunks.count
                        summary.changedPaths.append(file.relativePath)
                        if previous == nil { summary.added += 1 } else { summary.updated += 1 }
                    }
                }
                progress?(plan.toRead.count, plan.toRead.count)
                try index.setMeta("corpus_root", absoluteRoot)
                try index.setMeta("include_rules", plan.includeRules)
                try index.setMeta("base_url", base)
                if let filters {
                    try index.setMeta("filters", String(decoding: try JSONEncoder().encode(filters), as: UTF8.self))
                }
                try index.setMeta("indexed_at", String(Date().timeIntervalSince1970))
            }
        }
        summary.skipped = summary.skippedFiles.count
        let counts = try index.counts()
        summary.documents = counts.documents
        summary.chunks = counts.chunks
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    static let unreadablePrefix = SkipReason.unreadable("").description

    static func reason(_ error: Error) -> String {
        if let error = error as? FileReadError { return error.description }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return ns.localizedDescription
    }

    static func sha256(_ data: Data) -> String {
        sha256Digest(data).map { String(format: "%02x", $0) }.joined()
    }

    /// The raw SHA-256 of `data` (also what a Content-Security-Policy hash source is made of).
    public static func sha256Digest(_ data: Data) -> Data {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { raw in
            _ = SHA256(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &digest)
        }
        return Data(digest)
    }
}
