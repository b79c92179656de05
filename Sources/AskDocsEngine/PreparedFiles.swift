// The indexer's read-ahead: files of a plan read, hashed, parsed and chunked on background threads, handed
// to the writing thread one by one in the plan's order. Reads stay sequential (one thread, plan order), so a
// file changed by reading another is seen as it would be without read-ahead; parsing runs on every core.

import AskDocsCore
import AskDocsIngest
import Dispatch
import Foundation
import Synchronization

/// What reading and parsing one planned file produced.
enum PreparedFile: Sendable {
    /// Over the size limit: not read.
    case tooLarge
    case unreadable(reason: String, gone: Bool)
    /// Same content hash as the stored document.
    case unchanged
    /// Read but not indexable (binary, empty, no text…), with the reason.
    case refused(String)
    /// `textHash`: SHA-256 of what the reader extracted (title, headings, text), which two copies of one
    /// page share even when their markup differs.
    case parsed(Document, [Chunk], hash: String, textHash: String)
}

final class PreparedFiles: Sendable {
    /// Files per batch: enough to keep every core busy, few enough that the writer starts at once.
    static let batchSize = 16
    /// How many batches may wait ready ahead of the writer (bounds memory on a large corpus).
    static let batchesAhead = 4

    private struct State: ~Copyable {
        var ready: [Int: [PreparedFile]] = [:]
        var stopped = false
    }

    private let state = Mutex(State())
    private let batchReady = DispatchSemaphore(value: 0)
    private let room = DispatchSemaphore(value: PreparedFiles.batchesAhead)
    private let finished = DispatchSemaphore(value: 0)
    // Only the writing thread touches these two.
    nonisolated(unsafe) private var current: [PreparedFile] = []
    nonisolated(unsafe) private var taken = 0

    init(files: [CorpusFile], previousHashes: [String?], forced: [Bool], sourceFolders: [String: String] = [:],
         chunker: Chunker, sizeLimit: Int,
         read: @escaping @Sendable (CorpusFile) throws -> Data) {
        let batches = stride(from: 0, to: files.count, by: Self.batchSize).map {
            Array($0..<min($0 + Self.batchSize, files.count))
        }
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            defer { finished.signal() }
            for (k, batch) in batches.enumerated() {
                room.wait()
                if state.withLock({ $0.stopped }) { return }
                // Sequential reads, in order: see the file comment.
                let contents: [Result<Data, Error>?] = batch.map { i in
                    files[i].size > Int64(sizeLimit) ? nil : Result { try read(files[i]) }
                }
                let out = Mutex([PreparedFile?](repeating: nil, count: batch.count))
                DispatchQueue.concurrentPerform(iterations: batch.count) { j in
                    let i = batch[j]
                    let p = Self.prepare(files[i], contents: contents[j], previousHash: previousHashes[i],
                                         acceptGenerated: forced[i],
                                         folderPage: sourceFolders[GeneratorLayout.split(files[i].relativePath).folder],
                                         chunker: chunker, sizeLimit: sizeLimit)
                    out.withLock { $0[j] = p }
                }
                let prepared = out.withLock { $0.map { $0! } }
                state.withLock { $0.ready[k] = prepared }
                batchReady.signal()
            }
        }
    }

    /// The next file's outcome, in plan order; waits for its batch.
    func next() -> PreparedFile {
        if taken == current.count {
            let k = consumedBatches
            batchReady.wait()
            while true {
                if let batch = state.withLock({ $0.ready.removeValue(forKey: k) }) {
                    current = batch
                    break
                }
                // Batches are published in order, so this only happens if signals raced; wait again.
                batchReady.wait()
            }
            consumedBatches += 1
            taken = 0
            room.signal()
        }
        defer { taken += 1 }
        return current[taken]
    }

    nonisolated(unsafe) private var consumedBatches = 0

    /// Stops the read-ahead (the writer is done or failed) and waits for its thread to finish, so that no
    /// `read` call outlives the index run.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<Self.batchesAhead + 1 { room.signal() }
        finished.wait()
    }

    /// The HTML page a generator built from this text source, when one sits beside it under the same name
    /// and says so (`<meta name="generator" content="AsciiDoc …">`, Docutils, Asciidoctor…): git's manuals
    /// ship each `git-add.txt` beside its `git-add.html`. The page is what people read.
    static func builtPage(of file: CorpusFile) -> String? {
        guard DocumentFormat(path: file.relativePath) != .html,
              let dot = file.absolutePath.lastIndex(of: "."), !file.absolutePath[dot...].contains("/") else { return nil }
        let stem = String(file.absolutePath[..<dot])
        for ext in [".html", ".htm"] where declaresGenerator(stem + ext) {
            return (file.relativePath as NSString).deletingPathExtension + ext
        }
        return nil
    }

    /// Whether the HTML file at `path` names the program that wrote it in its first 4 KB.
    static func declaresGenerator(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = String(decoding: (try? h.read(upToCount: 4096)) ?? Data(), as: UTF8.self).lowercased()
        return head.contains("name=\"generator\"")
    }

    /// Folders (relative, ending in `/`; "" for the root) where at least three pages have a text file of
    /// the same name beside them, each with one such page's absolute path: the mark of a generator that
    /// builds pages from sources kept next to them. Names only; the page is read when a file is.
    static func sourceFolders(_ files: [CorpusFile]) -> [String: String] {
        var texts: [String: Set<String>] = [:]
        var pages: [String: [(stem: String, path: String)]] = [:]
        for f in files {
            let (folder, name) = GeneratorLayout.split(f.relativePath)
            let stem = (name as NSString).deletingPathExtension
            switch DocumentFormat(path: name) {
            case .html?: pages[folder, default: []].append((stem, f.absolutePath))
            case .text?, .markdown?: texts[folder, default: []].insert(stem)
            case nil: break
            }
        }
        var out: [String: String] = [:]
        for (folder, folderPages) in pages {
            guard let stems = texts[folder] else { continue }
            let paired = folderPages.filter { stems.contains($0.stem) }
            if paired.count >= 3 { out[folder] = paired.map(\.path).min() }
        }
        return out
    }

    static func textHash(_ document: Document, _ chunks: [Chunk]) -> String {
        var text = document.title
        for c in chunks {
            text += "\u{1}" + c.headingPath.joined(separator: "\u{2}") + "\u{1}" + c.text
        }
        return Indexer.sha256(Data(text.utf8))
    }

    static func prepare(_ file: CorpusFile, contents: Result<Data, Error>?, previousHash: String?,
                        acceptGenerated: Bool = false, folderPage: String? = nil, chunker: Chunker,
                        sizeLimit: Int) -> PreparedFile {
        guard let contents else { return .tooLarge }
        let data: Data
        switch contents {
        case .success(let d): data = d
        case .failure(let error):
            return .unreadable(reason: Indexer.reason(error), gone: (error as? FileReadError)?.code == ENOENT)
        }
        let hash = Indexer.sha256(data)
        if let previousHash, previousHash == hash { return .unchanged }
        if !acceptGenerated, let page = builtPage(of: file) {
            return .refused(SkipReason.generated("page source (\(page) was built from it and is indexed)").description)
        }
        // In a folder whose pages a generator built from the text files beside them, the other text files
        // are its sources too (git's `diff-options.txt`, included into every diff command's page).
        if !acceptGenerated, let folderPage, DocumentFormat(path: file.relativePath) != .html,
           declaresGenerator(folderPage) {
            return .refused(SkipReason.generated(
                "page source (included into the pages a generator built in this folder)").description)
        }
        do {
            let document = try DocumentReader.read(data, source: file.relativePath, sizeLimit: sizeLimit,
                                                   acceptGenerated: acceptGenerated)
            let chunks = chunker.chunks(of: document)
            return .parsed(document, chunks, hash: hash, textHash: textHash(document, chunks))
        } catch {
            return .refused("\(error)")
        }
    }
}
