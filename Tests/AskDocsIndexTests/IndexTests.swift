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
            try other.connection.execute("PRAGMA user_version = 7")
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
