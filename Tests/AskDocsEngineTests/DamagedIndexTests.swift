// Issue #6: a damaged index file fails with one clear line naming `askdocs index --full`, wherever SQLite
// notices the damage (on opening, or only when a query or a reindex reads a bad page); another schema
// version is rebuilt from the corpus.

import Foundation
import Testing
@testable import AskDocsEngine
@testable import AskDocsIndex

@Suite struct DamagedIndexTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncatedToHalf, truncatedToOnePage, garbledHeader, garbageInAMiddlePage, garbageInTheLastPage
        var testDescription: String { rawValue }
    }

    static let documentCount = 150

    /// A corpus of `documentCount` pages, each with a word of its own, indexed and closed (so that the WAL
    /// is checkpointed into the main file and the damage below hits real content).
    static func indexedCorpus() throws -> (corpus: String, index: String) {
        let dir = IncrementalIndexTests.temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus")
        for n in 0..<documentCount {
            let body = (0..<40).map { "Paragraph \($0) of page \(n) discusses the subject kw\(n)x at some length." }
            IncrementalIndexTests.write("# Page \(n)\n\n" + body.joined(separator: "\n\n") + "\n",
                                        to: corpus.appendingPathComponent("page\(n).md"))
        }
        let index = dir.appendingPathComponent("index.sqlite").path
        let summary = try Engine(indexPath: index, corpusPath: corpus.path).reindex()
        #expect(summary.added == documentCount)
        #expect(!FileManager.default.fileExists(atPath: index + "-wal"))
        return (corpus.path, index)
    }

    static func apply(_ damage: Damage, to path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let page: UInt64 = 4096
        #expect(size > 20 * page)
        // A fixed byte pattern, not random: a failure must reproduce.
        let garbage = Data((0..<Int(page)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        switch damage {
        case .truncatedToHalf: try handle.truncate(atOffset: size / 2)
        case .truncatedToOnePage: try handle.truncate(atOffset: page)
        case .garbledHeader:
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: garbage.prefix(100))
        case .garbageInAMiddlePage:
            try handle.seek(toOffset: (size / page / 2) * page)
            try handle.write(contentsOf: garbage)
        case .garbageInTheLastPage:
            try handle.seek(toOffset: size - page)
            try handle.write(contentsOf: garbage)
        }
    }

    /// Whatever fails must fail with the damaged-index error.
    static func expectOnlyDamageErrors(_ errors: [any Error], sourceLocation: SourceLocation = #_sourceLocation) {
        for error in errors {
            let line = "\(error)"
            #expect(Engine.isDamagedIndex(error), "not reported as damage: \(line)", sourceLocation: sourceLocation)
            #expect(line.contains("`askdocs index --full --index ") && !line.contains("\n"), "\(line)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Damage.allCases)
    func damageIsReportedWhereverItSurfaces(_ damage: Damage) throws {
        let (corpus, index) = try Self.indexedCorpus()
        try Self.apply(damage, to: index)
        var errors: [any Error] = []
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        // The server's readers open read-only; the CLI and the writer open writable.
        attempt {
            let reader = try Engine(readingAt: index)
            attempt { _ = try reader.counts() }
            for n in stride(from: 0, to: Self.documentCount, by: 7) { attempt { _ = try reader.search("kw\(n)x") } }
            // The words every page shares: their postings span many pages of the FTS5 data.
            attempt { _ = try reader.search("paragraph discusses the subject at some length", limit: 100) }
        }
        attempt {
            let engine = try Engine(indexPath: index, corpusPath: corpus)
            attempt { _ = try engine.counts() }
            for n in stride(from: 0, to: Self.documentCount, by: 5) { attempt { _ = try engine.ask("what does page \(n) say about kw\(n)x?") } }
            attempt { _ = try engine.staleness() }
            attempt { _ = try engine.reindex(full: false) }
        }
        Self.expectOnlyDamageErrors(errors)
        // Damage on a page that none of these reads (say, postings of a word nobody asked about) goes
        // unnoticed until something reads it; the integrity check reads every page.
        if errors.isEmpty {
            let problems = try Engine(indexPath: index, corpusPath: corpus).integrityProblems()
            #expect(problems != nil, "the damage went unnoticed even by the integrity check")
        }
    }

    @Test func anotherSchemaVersionIsRebuiltFromTheCorpus() throws {
        let (corpus, index) = try Self.indexedCorpus()
        do {
            let old = try SearchIndex(writableAt: index)
            try old.connection.execute("PRAGMA user_version = 2")
        }
        // Readers refuse it with the command that fixes it; the writer rebuilds it.
        #expect { _ = try Engine(readingAt: index) } throws: { "\($0)".contains("`askdocs index --full --index ") }
        let engine = try Engine(indexPath: index, corpusPath: corpus)
        #expect(engine.schemaWasRebuilt)
        let summary = try engine.reindex()
        #expect(summary.schemaRebuilt && summary.full && summary.added == Self.documentCount)
        #expect(try engine.search("kw42x", limit: 1).passages.first?.candidate.source == "page42.md")
    }
}
