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

    /// The one line the CLI prints.
    public var line: String {
        let mode = full ? "full rebuild" : "incremental"
        return "indexed (\(mode)): \(added) added, \(updated) updated, \(removed) removed, \(unchanged) unchanged, "
            + "\(skipped) skipped; \(chunksWritten) chunks written; index holds \(documents) documents, "
            + "\(chunks) chunks; \(String(format: "%.3f", seconds)) s"
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
    public var isCurrent: Bool { toRead.isEmpty && vanished.isEmpty }
}

public enum Indexer {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    public static func plan(corpus: String, index: SearchIndex, full: Bool) throws -> IndexPlan {
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

        // One pass, one PathKey per file: this runs for every file of the corpus on every `ask`.
        var kept: [CorpusFile] = []
        var toRead: [CorpusFile] = []
        var knownSkipped: [SkippedFile] = []
        var unsupported: [SkippedFile] = []
        var present = Set<PathKey>(minimumCapacity: files.count)
        kept.reserveCapacity(files.count)
        for f in files {
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
               !(skip.reason.hasPrefix(unreadablePrefix) && access(f.absolutePath, R_OK) == 0) {
                knownSkipped.append(SkippedFile(path: f.relativePath, reason: skip.reason))
                continue
            }
            kept.append(f)
            if !full, let s = stored[key], s.size == f.size, s.mtime == f.mtime { continue }
            toRead.append(f)
        }
        let vanished = stored.filter { !present.contains($0.key) }.map(\.value).sorted { $0.path < $1.path }
        return IndexPlan(files: kept, scanSkipped: skipped + unsupported + knownSkipped, stored: stored,
                         toRead: toRead, vanished: vanished)
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

    /// Updates `index` from the folder `corpus`. `full` rebuilds every document from scratch. `read` is
    /// how file bytes are loaded (tests substitute one that changes the corpus mid-run); it is called from
    /// one background thread, file after file in the plan's order.
    ///
    /// Reading, hashing, parsing and chunking run ahead on other threads (`PreparedFiles`) while this
    /// thread writes to SQLite, which takes one writer: on 2 cores that halves a full build's wall time.
    public static func run(corpus: String, index: SearchIndex, full: Bool = false, chunker: Chunker = Chunker(),
                           sizeLimit: Int = SourceDecoder.defaultSizeLimit, progress: Progress? = nil,
                           read: @escaping @Sendable (CorpusFile) throws -> Data = contents(of:)) throws -> IndexSummary {
        let start = Date()
        var summary = IndexSummary()
        summary.schemaRebuilt = index.schemaWasRebuilt
        let full = full || index.schemaWasRebuilt
        summary.full = full
        let plan = try plan(corpus: corpus, index: index, full: full)
        summary.skippedFiles = plan.scanSkipped
        let rootPath = (corpus as NSString).standardizingPath
        let absoluteRoot = rootPath.hasPrefix("/") ? rootPath
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(rootPath)

        if plan.isCurrent && !full {
            summary.unchanged = plan.files.count
        } else {
            let previousHashes = plan.toRead.map { full ? nil : plan.stored[PathKey($0.relativePath)]?.contentHash }
            let prepared = PreparedFiles(files: plan.toRead, previousHashes: previousHashes, chunker: chunker,
                                         sizeLimit: sizeLimit, read: read)
            defer { prepared.stop() }
            try index.write { writer in
                if full { try writer.removeAll() }
                for gone in plan.vanished where !full {
                    try writer.remove(documentID: gone.id)
                    summary.removed += 1
                    summary.changedPaths.append(gone.path)
                }
                let readSet = Set(plan.toRead.map { PathKey($0.relativePath) })
                summary.unchanged = plan.files.filter { !readSet.contains(PathKey($0.relativePath)) }.count
                for (i, file) in plan.toRead.enumerated() {
                    progress?(i, plan.toRead.count)
                    let previous = full ? nil : plan.stored[PathKey(file.relativePath)]
                    func skip(_ reason: String, remember: Bool) throws {
                        summary.skippedFiles.append(SkippedFile(path: file.relativePath, reason: reason))
                        if remember {
                            try writer.recordSkip(path: file.relativePath, size: file.size, mtime: file.mtime,
                                                  reason: reason)
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
                        try writer.touch(documentID: previous!.id, size: file.size, mtime: file.mtime)
                        summary.unchanged += 1
                    case .refused(let reason):
                        try skip(reason, remember: true)
                    case .parsed(let document, let chunks, let hash):
                        try writer.forgetSkip(path: file.relativePath)
                        if let previous { try writer.remove(documentID: previous.id) }
                        try writer.add(document, chunks: chunks, contentHash: hash, size: file.size, mtime: file.mtime)
                        summary.chunksWritten += chunks.count
                        summary.changedPaths.append(file.relativePath)
                        if previous == nil { summary.added += 1 } else { summary.updated += 1 }
                    }
                }
                progress?(plan.toRead.count, plan.toRead.count)
                try index.setMeta("corpus_root", absoluteRoot)
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
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { raw in
            _ = SHA256(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &digest)
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
