// The index file: opening (with schema-version checks and WAL), the incremental writer, and the read
// queries ranking needs (candidates for an FTS5 expression, term statistics). Every SQL statement of the
// product is in this module.

import AskDocsCore
import CSQLite
import Foundation

public enum IndexError: Error, CustomStringConvertible, Sendable {
    case damaged(path: String, detail: String)
    case missing(path: String)
    case schemaMismatch(path: String, found: Int32, expected: Int32)
    case unopenable(path: String, reason: String)

    public var description: String {
        switch self {
        case .damaged(let path, let detail):
            return "the index \(path) is damaged or not an AskDocs index (\(detail)); rebuild it with "
                + "`\(Self.rebuildCommand(path))`"
        case .missing(let path):
            return "no index at \(path); build it with `askdocs index --index \(Self.shellQuoted(path)) --corpus DOCS_FOLDER`"
        case .schemaMismatch(let path, let found, let expected):
            return "the index \(path) has schema version \(found), this askdocs needs \(expected); run `\(Self.rebuildCommand(path))`"
        case .unopenable(let path, let reason):
            return "cannot open or create the index \(path): \(reason)"
        }
    }

    /// The command that rebuilds the index at `path`, spelled out so it works pasted as is.
    static func rebuildCommand(_ path: String) -> String {
        "askdocs index --full --index \(shellQuoted(path)) --corpus DOCS_FOLDER"
    }

    static func shellQuoted(_ s: String) -> String {
        s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+".contains($0) }) ? s
            : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Why a file at `path` cannot be opened for writing, in words: what SQLite's "unable to open database
    /// file" leaves out.
    static func openProblem(_ path: String, _ error: Error) -> String {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !dir.isEmpty && !fm.fileExists(atPath: dir, isDirectory: &isFolder) {
            return "its folder \(dir) does not exist and cannot be created"
        }
        if !dir.isEmpty && !isFolder.boolValue { return "\(dir) is a file, not a folder" }
        if fm.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue { return "it is a folder" }
        var volume = statvfs()
        if statvfs(dir.isEmpty ? "." : dir, &volume) == 0 && volume.f_flag & UInt(ST_RDONLY) != 0 {
            return "it is on a read-only mount"
        }
        if fm.fileExists(atPath: path) && !fm.isWritableFile(atPath: path) { return "the file is not writable" }
        if !fm.isWritableFile(atPath: dir.isEmpty ? "." : dir) { return "the folder \(dir.isEmpty ? "." : dir) is not writable" }
        if SQLiteError.diskIsFull(path) { return "the disk holding it is full; free some space and run again" }
        if let error = error as? SQLiteError { return error.message }
        return "\(error)"
    }
}

/// A corpus path compared byte for byte. Swift's String equality is Unicode canonical equivalence, so
/// "café" composed and decomposed, two distinct files on Linux (and two rows of `documents`), would be one
/// dictionary key: one file's record would stand for the other's, and the next run would insert a
/// duplicate path.
public struct PathKey: Hashable, Sendable {
    public let utf8: [UInt8]
    public init(_ path: String) { utf8 = Array(path.utf8) }

    // The bytes in one call: the synthesized hash combines them one at a time (4% of a no-change scan).
    public func hash(into hasher: inout Hasher) {
        utf8.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// What the index remembers of a source file, to decide whether it changed.
public struct StoredDocument: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var contentHash: String
    /// SHA-256 of the extracted text (see `IndexWriter.add`).
    public var textHash: String
    public var size: Int64
    public var mtime: Double
    public init(id: Int64, path: String, contentHash: String, textHash: String, size: Int64, mtime: Double) {
        self.id = id
        self.path = path
        self.contentHash = contentHash
        self.textHash = textHash
        self.size = size
        self.mtime = mtime
    }
}

/// A file skipped before, with the size and mtime it had then, why, and the file it repeats if that is why.
public struct StoredSkip: Sendable, Equatable {
    public var size: Int64
    public var mtime: Double
    public var reason: String
    public var duplicateOf: String?
}

public final class SearchIndex {
    public let connection: SQLiteConnection
    public let path: String
    /// Set when opening found another schema version and rebuilt the tables empty.
    public private(set) var schemaWasRebuilt = false
    public private(set) var previousSchemaVersion: Int32 = 0
    /// Each term's chunk counts (all, title, headings), kept until the index changes. FTS5 stores no
    /// document frequency: fts5vocab counts by walking the term's whole posting list, which cost a fifth
    /// of a search, and the same common words come back question after question.
    private var termCounts: [String: (all: Int, title: Int, headings: Int)] = [:]
    private var termCountsVersion: Int64 = -1

    /// Opens (creating if needed) an index for writing; an index of another schema version is emptied and
    /// recreated, since the corpus can always be re-read.
    public init(writableAt path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let unopenable = [SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY]
        do {
            connection = try SQLiteConnection(path: path)
        } catch let error as SQLiteError where unopenable.contains(error.code) {
            throw IndexError.unopenable(path: path, reason: IndexError.openProblem(path, error))
        }
        do {
            // The first statement is where SQLite finds out it cannot create or write the file.
            do {
                // Switching a new file to WAL needs it to itself: another first run may hold it past the
                // busy timeout while it creates the tables.
                try SQLiteError.retryingWhileBusy(for: 120) {
                    try connection.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
                }
            } catch let error as SQLiteError where unopenable.contains(error.code) || error.code == SQLITE_FULL
                                                   || error.code == SQLITE_IOERR {
                // A full disk shows here as the `-shm` file that cannot grow, as an I/O error.
                throw IndexError.unopenable(path: path, reason: IndexError.openProblem(path, error))
            }
            let version = try userVersion()
            let hasTables = try tableExists("documents")
            if version == 0 && !hasTables {
                // Two first runs at once: whichever takes the write lock second finds the tables made.
                try connection.transaction { if try !tableExists("documents") { try connection.execute(Schema.create) } }
            } else if version != Schema.version {
                previousSchemaVersion = version
                // The corpus the index was built from outlives the schema: the rebuild reads the same folder.
                let corpusRoot = (try? tableExists("meta")) == true ? try? meta("corpus_root") : nil
                try connection.transaction {
                    try connection.execute(Schema.drop)
                    try connection.execute(Schema.create)
                    if let corpusRoot { try setMeta("corpus_root", corpusRoot) }
                }
                schemaWasRebuilt = true
            }
        } catch let e as SQLiteError where e.isCorruption {
            throw IndexError.damaged(path: path, detail: e.message)
        }
    }

    /// Opens an existing index for queries only.
    /// `immutable`: the file lives where nothing can write (see `SQLiteConnection`).
    public init(readingAt path: String, immutable: Bool = false) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw IndexError.missing(path: path) }
        connection = try SQLiteConnection(path: path, readOnly: true, immutable: immutable)
        do {
            let version = try userVersion()
            if version != Schema.version {
                throw IndexError.schemaMismatch(path: path, found: version, expected: Schema.version)
            }
        } catch let e as SQLiteError where e.isCorruption {
            throw IndexError.damaged(path: path, detail: e.message)
        }
    }

    func userVersion() throws -> Int32 {
        let s = try connection.prepare("PRAGMA user_version")
        defer { s.finish() }
        return try s.step() ? Int32(s.int(0)) : 0
    }

    func tableExists(_ name: String) throws -> Bool {
        let s = try connection.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?")
        try s.bind(.text(name))
        defer { s.finish() }
        return try s.step()
    }

    // MARK: Meta

    public func meta(_ key: String) throws -> String? {
        let s = try connection.prepare("SELECT value FROM meta WHERE key=?")
        try s.bind(.text(key))
        defer { s.finish() }
        return try s.step() ? s.text(0) : nil
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try connection.prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
            .bind(.text(key), .text(value)).run()
    }

    // MARK: Writing

    public func storedDocuments() throws -> [PathKey: StoredDocument] {
        let s = try connection.prepare("SELECT id, path, content_hash, text_hash, size, mtime FROM documents")
        var out: [PathKey: StoredDocument] = [:]
        while try s.step() {
            let d = StoredDocument(id: s.int(0), path: s.text(1), contentHash: s.text(2), textHash: s.text(3),
                                   size: s.int(4), mtime: s.double(5))
            out[PathKey(d.path)] = d
        }
        return out
    }

    /// Files skipped before, with the size and mtime they had then and why.
    public func storedSkips() throws -> [PathKey: StoredSkip] {
        let s = try connection.prepare("SELECT path, size, mtime, reason, duplicate_of FROM skipped_files")
        var out: [PathKey: StoredSkip] = [:]
        while try s.step() {
            out[PathKey(s.text(0))] = StoredSkip(size: s.int(1), mtime: s.double(2), reason: s.text(3),
                                                 duplicateOf: s.optionalText(4))
        }
        return out
    }

    /// Runs `body` in one write transaction: a crash or an error inside leaves the previous index as it was.
    public func write<T>(_ body: (IndexWriter) throws -> T) throws -> T {
        // This connection's own commits do not move `data_version`.
        termCounts.removeAll()
        termCountsVersion = -1
        return try connection.transaction {
            let writer = IndexWriter(connection: connection)
            let result = try body(writer)
            if writer.changed { try writer.updateTotals() }
            return result
        }
    }

    // MARK: Reading

    /// Section headings (the innermost of each path) spread over the corpus: the first section of each
    /// of up to `limit` documents, taken evenly through the documents, for example questions.
    public func sampleHeadings(limit: Int) throws -> [String] {
        let s = try connection.prepare("""
            SELECT headings FROM chunks
            WHERE id IN (SELECT min(id) FROM chunks WHERE headings != '' GROUP BY document_id, headings)
            ORDER BY id
            """)
        defer { s.finish() }
        var all: [String] = []
        while try s.step() { all.append(s.text(0)) }
        guard all.count > limit, limit > 0 else { return all }
        return (0..<limit).map { all[$0 * all.count / limit] }
    }

    public func counts() throws -> (documents: Int, chunks: Int) {
        // The chunk count from meta, kept by every write: count(*) over chunks reads the whole table
        // (bodies included), 300 ms on a 700 MB index, and `index` reports counts after every run.
        let s = try connection.prepare("""
            SELECT (SELECT count(*) FROM documents), (SELECT value FROM meta WHERE key = 'chunk_count')
            """)
        defer { s.finish() }
        _ = try s.step()
        let documents = Int(s.int(0))
        if let stored = s.optionalText(1), let chunks = Int(stored) { return (documents, chunks) }
        s.finish()
        let fallback = try connection.prepare("SELECT count(*) FROM chunks")
        defer { fallback.finish() }
        _ = try fallback.step()
        return (documents, Int(fallback.int(0)))
    }

    /// The best `limit` chunks for an FTS5 expression, by FTS5's bm25 (titles and headings weighted).
    public func candidates(matching expression: String, limit: Int) throws -> [Candidate] {
        let s = try connection.prepare("""
            SELECT c.id, d.path, c.title, c.headings, c.anchor, c.kind, c.body, f.rank,
                   c.title_stems, c.heading_stems, c.body_stems, c.entry, d.url
            FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ?1 ORDER BY rank LIMIT ?2) AS f
            JOIN chunks c ON c.id = f.rowid
            JOIN documents d ON d.id = c.document_id
            ORDER BY f.rank
            """)
        try s.bind(.text(expression), .int(Int64(limit)))
        var out: [Candidate] = []
        while try s.step() { out.append(Self.candidate(s)) }
        return out
    }

    /// A candidate from a row of `id, path, title, headings, anchor, kind, body, rank, title_stems,
    /// heading_stems, body_stems, entry, url`.
    static func candidate(_ s: Statement) -> Candidate {
        Candidate(
            chunkID: s.int(0), source: s.text(1), title: s.text(2), headingPath: Schema.headingPath(s.text(3)),
            anchor: s.optionalText(4), kind: BlockKind(rawValue: s.text(5)) ?? .prose, text: s.text(6),
            indexScore: -s.double(7),
            stems: CandidateStems(title: Self.words(s.text(8)), headings: Self.words(s.text(9)),
                                  body: Self.words(s.text(10))),
            entry: s.optionalText(11), pageURL: s.optionalText(12))
    }

    /// The chunk right after a chunk in its section, if any: the example a sentence ending in "like this:"
    /// announces is there.
    public func nextChunk(inSectionAfter chunkID: Int64) throws -> Candidate? {
        let s = try connection.prepare("""
            SELECT c.id, d.path, c.title, c.headings, c.anchor, c.kind, c.body, 0,
                   c.title_stems, c.heading_stems, c.body_stems, c.entry, d.url
            FROM chunks h
            JOIN chunks c ON c.document_id = h.document_id AND c.ordinal = h.ordinal + 1 AND c.headings = h.headings
            JOIN documents d ON d.id = c.document_id
            WHERE h.id = ?1
            """)
        defer { s.finish() }
        try s.bind(.int(chunkID))
        return try s.step() ? Self.candidate(s) : nil
    }

    /// The distinct innermost headings of the document a chunk belongs to.
    public func headings(ofDocumentWithChunk chunkID: Int64) throws -> [String] {
        let s = try connection.prepare("""
            SELECT DISTINCT headings FROM chunks
            WHERE document_id = (SELECT document_id FROM chunks WHERE id = ?1)
            """)
        try s.bind(.int(chunkID))
        var out: [String] = []
        while try s.step() {
            if let last = Schema.headingPath(s.text(0)).last, !last.isEmpty {
                out.append(last)
            }
        }
        return out
    }

    /// Splits stored stems on spaces, by bytes (String.split works by Character and costs 10× more here,
    /// on ~20,000 stems a query).
    static func words(_ joined: String) -> [String] {
        var out: [String] = []
        var joined = joined
        joined.withUTF8 { bytes in
            out.reserveCapacity(bytes.count / 6)
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x20 {
                if i > start { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                start = i + 1
            }
        }
        return out
    }

    /// Increases when another connection commits (`PRAGMA data_version`): what a per-connection cache
    /// checks to know it is stale.
    public func dataVersion() throws -> Int64 {
        let s = try connection.prepare("PRAGMA data_version")
        defer { s.finish() }
        return try s.step() ? s.int(0) : 0
    }

    /// Chunk count, average chunk length and the document frequency of each stemmed term.
    public func statistics(for stems: Set<String>) throws -> CorpusStatistics {
        let totals = try connection.prepare("""
            SELECT (SELECT value FROM meta WHERE key='chunk_count'), (SELECT value FROM meta WHERE key='total_tokens')
            """)
        _ = try totals.step()
        let chunkCount = Int(totals.text(0)) ?? 0
        let totalTokens = Double(totals.text(1)) ?? 0
        totals.finish()
        let version = try dataVersion()
        if version != termCountsVersion || termCounts.count > 500_000 {
            termCounts.removeAll(keepingCapacity: true)
            termCountsVersion = version
        }
        let df = try connection.prepare("SELECT doc FROM chunks_vocab WHERE term = ?")
        let columnDF = try connection.prepare("SELECT col, doc FROM chunks_vocab_col WHERE term = ?")
        var frequencies: [String: Int] = [:]
        var titleFrequencies: [String: Int] = [:]
        var headingFrequencies: [String: Int] = [:]
        for stem in stems {
            if termCounts[stem] == nil {
                try df.bind(.text(stem))
                var counts = (all: try df.step() ? Int(df.int(0)) : 0, title: 0, headings: 0)
                df.finish()
                if counts.all > 0 {
                    try columnDF.bind(.text(stem))
                    while try columnDF.step() {
                        switch columnDF.text(0) {
                        case "title": counts.title = Int(columnDF.int(1))
                        case "headings": counts.headings = Int(columnDF.int(1))
                        default: break
                        }
                    }
                    columnDF.finish()
                }
                termCounts[stem] = counts
            }
            let counts = termCounts[stem]!
            frequencies[stem] = counts.all
            if counts.title > 0 { titleFrequencies[stem] = counts.title }
            if counts.headings > 0 { headingFrequencies[stem] = counts.headings }
        }
        return CorpusStatistics(chunkCount: chunkCount,
                                averageChunkTokens: chunkCount > 0 ? totalTokens / Double(chunkCount) : 1,
                                documentFrequency: frequencies, titleFrequency: titleFrequencies,
                                headingFrequency: headingFrequencies)
    }

    /// The indexed terms (Porter stems) that start with `letter`, with the number of chunks holding
    /// each: the slice of the vocabulary typo correction searches. A range on the term, so that fts5vocab
    /// reads that slice of the index, not all of it.
    public func vocabulary(startingWith letter: Character) throws -> Vocabulary {
        let low = String(letter)
        guard let last = low.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { return Vocabulary([]) }
        let high = String(low.unicodeScalars.dropLast()) + String(next)
        let s = try connection.prepare("SELECT term, doc FROM chunks_vocab WHERE term >= ? AND term < ?")
        defer { s.finish() }
        try s.bind(.text(low), .text(high))
        var terms: [(term: String, chunks: Int)] = []
        while try s.step() { terms.append((s.text(0), Int(s.int(1)))) }
        return Vocabulary(terms)
    }

    /// A word of the corpus whose stem is `term`, as the text writes it (folded like the tokenizer
    /// folds): "database" for `databas`, so that a correction is shown as a word, not a stem.
    public func surfaceForm(ofTerm term: String) throws -> String? {
        let s = try connection.prepare("SELECT doc, col, offset FROM chunks_vocab_instance WHERE term = ? LIMIT 1")
        try s.bind(.text(term))
        guard try s.step() else { s.finish(); return nil }
        let (chunk, column, offset) = (s.int(0), s.text(1), Int(s.int(2)))
        s.finish()
        guard ["title", "headings", "body"].contains(column) else { return nil }
        let text = try connection.prepare("SELECT \(column) FROM chunks WHERE id = ?")
        defer { text.finish() }
        try text.bind(.int(chunk))
        guard try text.step() else { return nil }
        let words = Tokenizer.words(text.text(0))
        return offset < words.count ? words[offset] : nil
    }

    /// How many chunks hold `word` as FTS5's own tokenizer and stemmer read it: the document frequency of
    /// a word whose stem (Snowball's Porter) is not spelt as FTS5's Porter spells it ("technology").
    public func chunkCount(matchingWord word: String) throws -> Int {
        let s = try connection.prepare("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?")
        defer { s.finish() }
        try s.bind(.text("\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""))
        return try s.step() ? Int(s.int(0)) : 0
    }

    /// Whether some chunk holds `words` as a run (an identifier such as `pool_maxsize` as "pool maxsize").
    public func containsPhrase(_ words: [String]) throws -> Bool {
        let s = try connection.prepare("SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT 1")
        defer { s.finish() }
        try s.bind(.text("\"" + words.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""))
        return try s.step()
    }

    /// SQLite's quick check (every page and b-tree, without comparing indexes with their tables); works
    /// on a read-only connection. nil when it passes.
    public func quickCheckProblems() throws -> String? {
        let s = try connection.prepare("PRAGMA quick_check")
        defer { s.finish() }
        var problems: [String] = []
        while try s.step() {
            if s.text(0) != "ok" { problems.append(s.text(0)) }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// SQLite's and FTS5's own consistency checks; nil when both pass.
    public func integrityProblems() throws -> String? {
        let s = try connection.prepare("PRAGMA integrity_check")
        var problems: [String] = []
        while try s.step() {
            if s.text(0) != "ok" { problems.append(s.text(0)) }
        }
        do {
            try connection.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")
        } catch {
            problems.append("fts5: \(error)")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

/// Writes inside one transaction (see `SearchIndex.write`).
public final class IndexWriter {
    let connection: SQLiteConnection
    var changed = false
    /// Chunks and tokens added minus removed by this transaction, and whether it started from empty:
    /// the stored totals are moved by these instead of recounted (a full scan of the chunks table).
    var chunkDelta: Int64 = 0
    var tokenDelta: Int64 = 0
    var emptied = false

    init(connection: SQLiteConnection) { self.connection = connection }

    public func removeAll() throws {
        try connection.execute("""
            INSERT INTO chunks_fts(chunks_fts) VALUES('delete-all');
            DELETE FROM chunk_vectors; DELETE FROM chunks; DELETE FROM documents; DELETE FROM skipped_files;
            """)
        changed = true
        emptied = true
        chunkDelta = 0
        tokenDelta = 0
    }

    public func remove(documentID id: Int64) throws {
        let totals = try connection.prepare("SELECT count(*), coalesce(sum(token_count), 0) FROM chunks WHERE document_id = ?")
        try totals.bind(.int(id))
        if try totals.step() {
            chunkDelta -= totals.int(0)
            tokenDelta -= totals.int(1)
        }
        totals.finish()
        try connection.prepare("""
            INSERT INTO chunks_fts(chunks_fts, rowid, title, headings, body)
            SELECT 'delete', id, title, headings, body FROM chunks WHERE document_id = ?
            """).bind(.int(id)).run()
        try connection.prepare("DELETE FROM chunks WHERE document_id = ?").bind(.int(id)).run()
        try connection.prepare("DELETE FROM documents WHERE id = ?").bind(.int(id)).run()
        changed = true
    }

    /// Remembers a file that could not be indexed, so it is not read again until its size or mtime changes.
    /// `duplicateOf` names the indexed file whose text this one repeats: when that file changes or goes,
    /// this one is read again.
    public func recordSkip(path: String, size: Int64, mtime: Double, reason: String, duplicateOf: String? = nil) throws {
        try connection.prepare("""
            INSERT OR REPLACE INTO skipped_files(path, size, mtime, reason, duplicate_of) VALUES(?,?,?,?,?)
            """).bind(.text(path), .int(size), .double(mtime), .text(reason), duplicateOf.map { .text($0) } ?? .null).run()
    }

    public func forgetSkip(path: String) throws {
        try connection.prepare("DELETE FROM skipped_files WHERE path = ?").bind(.text(path)).run()
    }

    /// Records a file whose content is unchanged but whose mtime (or recorded size: a file rewritten between
    /// a scan and its read was stored with the scan's size) moved, so it is not hashed again.
    public func touch(documentID id: Int64, size: Int64, mtime: Double) throws {
        try connection.prepare("UPDATE documents SET size = ?, mtime = ? WHERE id = ?")
            .bind(.int(size), .double(mtime), .int(id)).run()
    }

    public func add(_ document: Document, chunks: [Chunk], contentHash: String, textHash: String = "",
                    size: Int64, mtime: Double) throws {
        try connection.prepare("""
            INSERT INTO documents(path, title, date, url, tags, content_hash, text_hash, size, mtime) VALUES(?,?,?,?,?,?,?,?,?)
            """).bind(.text(document.source), .text(document.title), document.date.map { .text($0) } ?? .null,
                      document.url.map { .text($0) } ?? .null, .text(document.tags.joined(separator: ",")),
                      .text(contentHash), .text(textHash), .int(size), .double(mtime)).run()
        let documentID = connection.lastInsertRowID
        let insertChunk = try connection.prepare("""
            INSERT INTO chunks(document_id, ordinal, kind, title, headings, anchor, body, token_count,
                               title_stems, heading_stems, body_stems, entry)
            VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        let insertFTS = try connection.prepare("INSERT INTO chunks_fts(rowid, title, headings, body) VALUES(?,?,?,?)")
        let titleStems = Stemmer.stems(document.title)
        for chunk in chunks {
            let headings = chunk.headingPath.joined(separator: Schema.headingSeparator)
            let headingStems = Stemmer.stems(headings)
            let bodyStems = Stemmer.stems(chunk.text)
            let tokens = titleStems.count + headingStems.count + bodyStems.count
            try insertChunk.bind(.int(documentID), .int(Int64(chunk.ordinal)), .text(chunk.kind.rawValue),
                                 .text(document.title), .text(headings), chunk.anchor.map { .text($0) } ?? .null,
                                 .text(chunk.text), .int(Int64(tokens)),
                                 .text(titleStems.joined(separator: " ")), .text(headingStems.joined(separator: " ")),
                                 .text(bodyStems.joined(separator: " ")), chunk.entry.map { .text($0) } ?? .null).run()
            let chunkID = connection.lastInsertRowID
            try insertFTS.bind(.int(chunkID), .text(document.title), .text(headings), .text(chunk.text)).run()
            chunkDelta += 1
            tokenDelta += Int64(tokens)
        }
        changed = true
    }

    func updateTotals() throws {
        var base: (chunks: Int64, tokens: Int64) = (0, 0)
        if !emptied {
            let s = try connection.prepare("""
                SELECT (SELECT value FROM meta WHERE key = 'chunk_count'), (SELECT value FROM meta WHERE key = 'total_tokens')
                """)
            _ = try s.step()
            if let c = s.optionalText(0).flatMap({ Int64($0) }), let t = s.optionalText(1).flatMap({ Int64($0) }) {
                base = (c, t)
            } else {
                // No totals stored yet (an index from before they were kept): count once, after this
                // transaction's own changes, which the deltas then must not add again.
                s.finish()
                let count = try connection.prepare("SELECT count(*), coalesce(sum(token_count), 0) FROM chunks")
                _ = try count.step()
                base = (count.int(0) - chunkDelta, count.int(1) - tokenDelta)
                count.finish()
            }
            s.finish()
        }
        try connection.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('chunk_count', ?), ('total_tokens', ?)")
            .bind(.text(String(base.chunks + chunkDelta)), .text(String(base.tokens + tokenDelta))).run()
    }
}
