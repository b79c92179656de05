// The index file: hostile MATCH input, schema versions, integrity.

import Foundation
import AskDocsTestSupport
import Testing
@testable import AskDocsCore
@testable import AskDocsIndex
@testable import AskDocsIngest

@Suite struct IndexTests {
    static func temporaryPath() -> String {
        Scratch.path("index", suffix: ".sqlite").path
    }

    static func filledIndex() throws -> SearchIndex {
        let index = try SearchIndex(writableAt: temporaryPath())
        let doc = MarkdownReader.read("# Guide\n\n## Caching\n\nRedis keeps data in memory, near the app.\n", source: "g.md")
        try index.write { w in try w.add(doc, chunks: Chunker().chunks(of: doc), contentHash: "h", size: 1, mtime: 1) }
        return index
    }

    @Test(arguments: ["\"", "redis\"", "a*", "NEAR(redis memory)", "redis AND memory", "title:redis", "^redis",
                      "- redis", "+", "🔥 redis 🚀", "(redis", "redis)", "'", "\\", "NOT", "{title body}: redis",
                      String(repeating: "redis ", count: 2_000), "\u{0}redis", "red\u{301}is"])
    func anyQueryTextIsSafe(_ text: String) throws {
        let index = try Self.filledIndex()
        let query = QueryAnalyzer.analyze(text)
        guard let expression = FTSExpression.render(query) else { return }
        _ = try index.candidates(matching: expression, limit: 10)
    }

    @Test func findsAndReportsStatistics() throws {
        let index = try Self.filledIndex()
        let q = QueryAnalyzer.analyze("where is data kept? memory")
        let found = try index.candidates(matching: FTSExpression.render(q)!, limit: 10)
        #expect(found.count == 1)
        #expect(found[0].headingPath == ["Caching"])
        #expect(found[0].anchor == "caching")
        let stats = try index.statistics(for: ["memori", "absent"])
        #expect(stats.chunkCount == 1)
        #expect(stats.documentFrequency["memori"] == 1)
        #expect(stats.documentFrequency["absent"] == 0)
        #expect(try index.integrityProblems() == nil)
    }

    /// The stored totals (BM25's average length, `counts()`) move with each write instead of being
    /// recounted; after adds, removes and a rebuild they still equal a full recount.
    @Test func storedTotalsFollowEveryWrite() throws {
        let index = try SearchIndex(writableAt: Self.temporaryPath())
        func doc(_ name: String, _ words: Int) -> (Document, [Chunk]) {
            let body = (0..<words).map { "word\($0 % 50)" }.joined(separator: " ")
            let d = MarkdownReader.read("# \(name)\n\n\(body).\n\n## More\n\n\(body) again.\n", source: "\(name).md")
            return (d, Chunker().chunks(of: d))
        }
        func expectTotalsMatchARecount() throws {
            let recount = try index.connection.prepare("SELECT count(*), sum(token_count) FROM chunks")
            _ = try recount.step()
            let (chunks, tokens) = (recount.int(0), recount.isNull(1) ? 0 : recount.int(1))
            recount.finish()
            #expect(try index.meta("chunk_count") == String(chunks))
            #expect(try index.meta("total_tokens") == String(tokens))
            #expect(try index.counts().chunks == Int(chunks))
        }
        for (name, words) in [("a", 30), ("b", 400), ("c", 900)] {
            let (d, c) = doc(name, words)
            try index.write { try $0.add(d, chunks: c, contentHash: name, size: 1, mtime: 1) }
        }
        try expectTotalsMatchARecount()
        let b = try #require(try index.storedDocuments()[PathKey("b.md")])
        try index.write { w in
            try w.remove(documentID: b.id)
            let (d, c) = doc("b", 120)
            try w.add(d, chunks: c, contentHash: "b2", size: 2, mtime: 2)
        }
        try expectTotalsMatchARecount()
        try index.write { w in
            try w.removeAll()
            let (d, c) = doc("d", 250)
            try w.add(d, chunks: c, contentHash: "d", size: 1, mtime: 1)
        }
        try expectTotalsMatchARecount()
        // An index written before the totals were kept: the first write counts once, then moves them.
        try index.connection.execute("DELETE FROM meta WHERE key IN ('chunk_count', 'total_tokens')")
        try index.write { w in
            let (d, c) = doc("e", 60)
            try w.add(d, chunks: c, contentHash: "e", size: 1, mtime: 1)
        }
        try expectTotalsMatchARecount()
    }

    /// Term counts are cached per connection; a write through this connection or a commit by another
    /// one (another process reindexing) is seen by the next search.
    @Test func cachedTermCountsFollowWritesFromAnyConnection() throws {
        let path = Self.temporaryPath()
        let index = try SearchIndex(writableAt: path)
        func add(_ index: SearchIndex, _ name: String) throws {
            let doc = MarkdownReader.read("# \(name)\n\nRedis keeps \(name) in memory.\n", source: "\(name).md")
            try index.write { try $0.add(doc, chunks: Chunker().chunks(of: doc), contentHash: name, size: 1, mtime: 1) }
        }
        try add(index, "one")
        #expect(try index.statistics(for: ["redi"]).documentFrequency["redi"] == 1)
        try add(index, "two")
        #expect(try index.statistics(for: ["redi"]).documentFrequency["redi"] == 2)
        let other = try SearchIndex(writableAt: path)
        try add(other, "three")
        #expect(try index.statistics(for: ["redi"]).documentFrequency["redi"] == 3)
        #expect(try index.statistics(for: ["redi"]).chunkCount == 3)
    }

    @Test func anotherSchemaVersionIsRebuilt() throws {
        let path = Self.temporaryPath()
        do {
            let index = try SearchIndex(writableAt: path)
            try index.connection.execute("PRAGMA user_version = 999")
        }
        let reopened = try SearchIndex(writableAt: path)
        #expect(reopened.schemaWasRebuilt)
        #expect(try reopened.counts().documents == 0)
        #expect(throws: IndexError.self) {
            let other = try SearchIndex(writableAt: Self.temporaryPath())
            try other.connection.execute("PRAGMA user_version = \(Schema.version + 1)")
            _ = try SearchIndex(readingAt: other.path)
        }
    }

    @Test func aFileThatIsNotAnIndexGivesAClearError() throws {
        let path = Self.temporaryPath()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SearchIndex(writableAt: path)
            Issue.record("opening garbage should fail")
        } catch let error as IndexError {
            #expect("\(error)".contains("askdocs index --full"))
        }
    }
}

@Suite struct PostingsBudgetTests {
    /// Only common words (each over the budget alone): the two rarest concepts are required together,
    /// and a one-concept question looks in titles and headings first. Under budget: nothing to narrow.
    @Test func commonWordsOnlyAreNarrowedBeforeTheirOR() throws {
        let q = QueryAnalyzer.analyze("how do data types work")
        let common = CorpusStatistics(chunkCount: 577_000, averageChunkTokens: 100,
                                      documentFrequency: ["data": 90_000, "type": 40_000, "work": 30_000])
        #expect(FTSExpression.narrowed(q, statistics: common, budget: 4_000) == [#"("work") AND ("types")"#])
        #expect(FTSExpression.narrowed(q, statistics: common, budget: 4_000, maxConcepts: 3)
                == [#"("work") AND ("types") AND ("data")"#, #"("work") AND ("types")"#])
        #expect(FTSExpression.narrowed(q, statistics: common, budget: 4_000, maxConcepts: 0).isEmpty)
        let rare = CorpusStatistics(chunkCount: 577_000, averageChunkTokens: 100,
                                    documentFrequency: ["data": 90_000, "type": 40_000, "work": 300])
        #expect(FTSExpression.narrowed(q, statistics: rare, budget: 4_000).isEmpty)
        let one = QueryAnalyzer.analyze("what are types?")
        #expect(FTSExpression.narrowed(one, statistics: common, budget: 4_000) == [#"{title headings} : ("types")"#])
        // Each narrowed form is an expression FTS5 accepts, whatever the words.
        let index = try IndexTests.filledIndex()
        let hostile = QueryAnalyzer.analyze(#"redis" memory AND "data NEAR( keeps"#)
        let everything = CorpusStatistics(chunkCount: 1, averageChunkTokens: 10,
                                          documentFrequency: Dictionary(uniqueKeysWithValues: hostile.concepts
                                              .flatMap { $0.terms.flatMap(\.stems) }.map { ($0, 10) }))
        let forms = FTSExpression.narrowed(hostile, statistics: everything, budget: 1, maxConcepts: 3)
            + FTSExpression.narrowed(QueryAnalyzer.analyze(#""redis"#), statistics: CorpusStatistics(
                chunkCount: 1, averageChunkTokens: 10, documentFrequency: ["redi": 10]), budget: 1)
        #expect(forms.count == 3)
        for form in forms { _ = try index.candidates(matching: form, limit: 10) }
    }

    @Test func commonestTermsLeaveTheMatchOnceRarerOnesFillTheBudget() {
        let q = QueryAnalyzer.analyze("read csv file header")
        let df = ["read": 9_000, "csv": 120, "file": 20_000, "header": 900]
        let stats = CorpusStatistics(chunkCount: 70_000, averageChunkTokens: 100, documentFrequency: df)
        let skipped = FTSExpression.termsBeyondBudget(q, statistics: stats, budget: 4_000)
        #expect(skipped == ["read", "file"])
        let expression = FTSExpression.render(q) { skipped.contains($0.surface) }
        #expect(expression == #""csv" OR "header""#)
        // Under budget (a small corpus): nothing is left out.
        #expect(FTSExpression.termsBeyondBudget(q, statistics: stats, budget: 100_000).isEmpty)
        // Even a very common rarest term stays.
        let common = CorpusStatistics(chunkCount: 70_000, averageChunkTokens: 100,
                                      documentFrequency: ["read": 9_000, "csv": 8_000, "file": 20_000, "header": 7_000])
        #expect(FTSExpression.termsBeyondBudget(q, statistics: common, budget: 4_000) == ["read", "file", "csv"])
    }
}
