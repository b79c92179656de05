// Issue #17: writers take turns. Several indexing runs on one index at once (each with its own connection,
// as separate `askdocs index`, `ask` updates, `POST /api/reindex` and `--watch` have) end without an error,
// and the index they leave is the one a clean build of the final corpus gives.

import AskDocsTestSupport
import Foundation
import Synchronization
import Testing
@testable import AskDocsEngine
@testable import AskDocsIndex

@Suite struct WriterTests {
    /// What an index holds, for comparing two: each document with its chunks' text.
    static func contents(_ path: String) throws -> [String: [String]] {
        let connection = try SQLiteConnection(path: path, readOnly: true)
        let s = try connection.prepare("""
            SELECT d.path, c.headings || ' | ' || c.body FROM chunks c JOIN documents d ON d.id = c.document_id
            ORDER BY d.path, c.ordinal
            """)
        defer { s.finish() }
        var out: [String: [String]] = [:]
        while try s.step() { out[s.text(0), default: []].append(s.text(1)) }
        return out
    }

    @Test func concurrentWritersSerialiseAndMatchACleanBuild() throws {
        let corpus = Scratch.path("writers-corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for i in 0..<60 {
            try "# Page \(i)\n\n## Part \(i)\n\nPage \(i) explains the quokka setting number \(i).\n"
                .write(to: corpus.appendingPathComponent("page\(i).md"), atomically: true, encoding: .utf8)
        }
        let index = Scratch.path("writers", suffix: ".sqlite").path
        // Two first builds at once (they used to fail with "table meta already exists").
        let errors = Mutex<[String]>([])
        func writers(_ count: Int) {
            DispatchQueue.concurrentPerform(iterations: count) { _ in
                do {
                    let engine = try Engine(indexPath: index, corpusPath: corpus.path)
                    engine.usesVectors = false
                    _ = try engine.reindex()
                } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        writers(2)
        for round in 0..<4 {
            // Change a third of the pages, add one and remove one, then let three writers race.
            for i in stride(from: round % 3, to: 60, by: 3) {
                let url = corpus.appendingPathComponent("page\(i).md")
                try (try String(contentsOf: url, encoding: .utf8) + "\nRevision \(round) of page \(i).\n")
                    .write(to: url, atomically: true, encoding: .utf8)
            }
            try "# Extra \(round)\n\nAdded in round \(round).\n"
                .write(to: corpus.appendingPathComponent("extra\(round).md"), atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(at: corpus.appendingPathComponent("extra\(round - 1).md"))
            writers(3)
        }
        #expect(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")

        let clean = Scratch.path("writers-clean", suffix: ".sqlite").path
        let reference = try Engine(indexPath: clean, corpusPath: corpus.path)
        reference.usesVectors = false
        _ = try reference.reindex()
        let raced = try Self.contents(index), built = try Self.contents(clean)
        #expect(raced.count == 61)
        #expect(raced == built)
        #expect(try Engine(indexPath: index, corpusPath: corpus.path).integrityProblems() == nil)
    }

    /// A writer that holds the index longer than SQLite's 5-second busy timeout is waited for, with one
    /// call to `waiting`, instead of failing with "database is locked".
    @Test func aLongWriteIsWaitedFor() throws {
        let corpus = Scratch.path("waiting-corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "# Quokka\n\nThe quokka cache holds answers.\n".write(to: corpus.appendingPathComponent("q.md"), atomically: true, encoding: .utf8)
        let index = Scratch.path("waiting", suffix: ".sqlite").path
        let engine = try Engine(indexPath: index, corpusPath: corpus.path)
        engine.usesVectors = false
        _ = try engine.reindex()
        try "# Quokka\n\nThe quokka cache holds answers for an hour.\n".write(to: corpus.appendingPathComponent("q.md"), atomically: true, encoding: .utf8)

        // Another connection takes the write lock and keeps it for 6.5 s.
        let holding = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            guard let holder = try? SQLiteConnection(path: index), (try? holder.execute("BEGIN IMMEDIATE")) != nil else {
                holding.signal(); released.signal(); return
            }
            holding.signal()
            Thread.sleep(forTimeInterval: 6.5)
            try? holder.execute("COMMIT")
            released.signal()
        }
        holding.wait()
        let waits = Mutex(0)
        let summary = try engine.reindex(waiting: { waits.withLock { $0 += 1 } })
        released.wait()
        #expect(waits.withLock { $0 } == 1)
        #expect(summary.updated == 1)
    }
}

/// An index on a read-only folder or mount cannot take SQLite's WAL locks: it is read as immutable.
@Suite struct ReadOnlyIndexTests {
    @Test func anImmutableReaderAnswers() throws {
        let corpus = Scratch.path("ro-corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "# Quokka\n\nThe quokka cache holds answers for an hour.\n"
            .write(to: corpus.appendingPathComponent("q.md"), atomically: true, encoding: .utf8)
        let index = Scratch.path("ro index", suffix: ".sqlite").path  // a space: the URI must be encoded
        do {
            // Closed before reading, as an index copied to a read-only mount is: its WAL checkpointed.
            let writer = try Engine(indexPath: index, corpusPath: corpus.path)
            writer.usesVectors = false
            _ = try writer.reindex()
        }
        let reader = try Engine(readingAt: index, immutable: true)
        reader.usesVectors = false
        #expect(try reader.counts().documents == 1)
        #expect(try reader.search("quokka cache", limit: 5).passages.first?.candidate.text.contains("an hour") == true)
    }
}

/// Issue #17: a corpus folder that is unmounted, emptied or mistyped is not read as "every document was
/// deleted".
@Suite struct VanishedCorpusTests {
    @Test func anEmptiedFolderDoesNotEmptyTheIndex() throws {
        let corpus = Scratch.path("vanishing")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for name in ["a", "b", "c"] {
            try "# \(name)\n\nPage \(name) about quokkas.\n".write(to: corpus.appendingPathComponent("\(name).md"),
                                                               atomically: true, encoding: .utf8)
        }
        let index = Scratch.path("vanishing", suffix: ".sqlite").path
        let engine = try Engine(indexPath: index, corpusPath: corpus.path)
        engine.usesVectors = false
        _ = try engine.reindex()
        // What an unmount looks like: the folder is still there, with nothing in it.
        for name in ["a", "b", "c"] { try FileManager.default.removeItem(at: corpus.appendingPathComponent("\(name).md")) }
        #expect { _ = try engine.reindex() } throws: { error in
            "\(error)".contains("holds no documents now") && "\(error)".contains("--allow-empty")
        }
        #expect(try engine.counts().documents == 3)
        #expect { _ = try engine.reindex(full: true) } throws: { "\($0)".contains("holds no documents now") }
        #expect(try engine.counts().documents == 3)
        // Said deliberately, it goes through.
        _ = try engine.reindex(allowEmpty: true)
        #expect(try engine.counts().documents == 0)
        // A first build of an empty folder is no loss and needs no flag.
        let fresh = try Engine(indexPath: Scratch.path("empty", suffix: ".sqlite").path, corpusPath: corpus.path)
        #expect(try fresh.reindex().documents == 0)
    }
}
