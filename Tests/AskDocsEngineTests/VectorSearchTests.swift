// Meaning beside words, end to end with the installed model (skipped where `askdocs model install` has
// not run; CI installs it): the vector pass embeds every chunk, stops and resumes between batches, embeds
// only what changed, and a question in other words than the docs finds the section that answers it.

import Foundation
import AskDocsTestSupport
import Testing
@testable import AskDocsCore
@testable import AskDocsEngine
@testable import AskDocsIndex

let modelInstalled = ModelStore.isInstalled()

@Suite(.enabled(if: modelInstalled, "the model is not installed: run `askdocs model install`"))
struct VectorSearchTests {
    /// A corpus where the section that answers "reachable from other computers on my LAN" never says LAN.
    static func corpus(pages: Int = 1) -> URL {
        let dir = Scratch.path("corpus")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let server = """
            # The development server

            ## Externally Visible Server

            If you run the server you will notice that it is only accessible from your own computer, not from any \
            other in the network. To make it listen on all public IPs, add --host=0.0.0.0 to the command line.

            ## Debug Mode

            The debug mode reloads the server when the code changes and shows an interactive debugger in the browser.
            """
        try! Data(server.utf8).write(to: dir.appendingPathComponent("server.md"))
        for n in 0..<pages {
            let filler = (0..<6).map { "## Topic \(n)-\($0)\n\nTemplates \(n) render pages with variables and filters; the loader finds template \($0) in the templates folder.\n" }
            try! Data(("# Templates \(n)\n\n" + filler.joined(separator: "\n")).utf8)
                .write(to: dir.appendingPathComponent("templates\(n).md"))
        }
        return dir
    }

    @Test func aQuestionInOtherWordsFindsTheSectionByMeaning() throws {
        let dir = Self.corpus()
        let engine = try Engine(indexPath: Scratch.path("index", suffix: ".sqlite").path, corpusPath: dir.path)
        _ = try engine.reindex()
        // Until every chunk has its vector, the index answers with words alone.
        #expect(try engine.readyVectors() == nil)
        let summary = try #require(try engine.embedVectors())
        let chunks = try engine.counts().chunks
        #expect(summary.embedded == summary.total && summary.total == chunks)
        #expect(try engine.vectorCounts().missing == 0)
        // Not one word of the question is in the corpus.
        let question = "let colleagues on my LAN open it"
        let outcome = try engine.search(question, limit: 5)
        #expect(outcome.passages.first?.candidate.headingPath.last == "Externally Visible Server")
        #expect(outcome.passages.first?.features["similarity"] != nil)
        engine.usesVectors = false
        #expect(try engine.search(question, limit: 5).passages.isEmpty)
    }

    /// The shipped post, three turns: "what about django's numbers?" after "which is fastest with a
    /// database?" and "and without a database?" is answered with Django's figures from the general
    /// benchmark.
    @Test func aFollowUpOfAFollowUpIsAnsweredFromTheConversation() throws {
        let engine = try ShippedCorpusTests.engine()
        _ = try #require(try engine.embedVectors())
        let history = [ConversationTurn(question: "which is fastest with a database?", answer: ""),
                       ConversationTurn(question: "and without a database?", answer: "")]
        let (answer, _) = try engine.ask("what about django's numbers?", history: history)
        #expect(answer.text.contains("2,500 to 3,000"), "\(answer.text)")
        #expect(answer.citations.first?.section == "Performance Benchmarks: The Real Speed Test")
    }

    /// A lone question's vector is computed on another thread while its words are searched; a search that
    /// runs beside another computes it in line. Both give the same vector, so the same passages.
    @Test func theQuestionsVectorFromAnotherThreadIsTheSameAsInLine() throws {
        let dir = Self.corpus()
        let engine = try Engine(indexPath: Scratch.path("index", suffix: ".sqlite").path, corpusPath: dir.path)
        _ = try engine.reindex()
        _ = try engine.embedVectors()
        let question = "let colleagues on my LAN open it"
        let pending = try #require(try engine.questionVectorInBackground(question))
        let inLine = try #require(engine.encoder?.embed([question]).first)
        #expect(pending.wait() == inLine)
        #expect(pending.wait() == inLine, "a second wait returns the same vector")
        let alone = try engine.search(question, limit: 5).passages.map(\.candidate.chunkID)
        // Another search in flight: the vector is computed in line (and now comes from the recent ones).
        Engine.searchesInFlight.withLock { $0 += 1 }
        defer { Engine.searchesInFlight.withLock { $0 -= 1 } }
        engine.recentQuestionVectors = []
        let beside = try engine.search(question, limit: 5).passages.map(\.candidate.chunkID)
        #expect(alone == beside && !alone.isEmpty)
        #expect(try engine.questionVectorInBackground(question) == nil, "a vector at hand is not computed again")
    }

    /// Words that are rare in the corpus but say little ("vs", "actual", "difference") no longer make a
    /// question abstain: about to, the engine weighs each word by how much of the question's meaning it
    /// carries and looks again.
    @Test func rareWordsThatCarryLittleMeaningDoNotMakeAQuestionAbstain() throws {
        let dir = Scratch.path("corpus")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let calling = """
            # Calling tasks

            ## Basics

            The delay method is a shortcut: delay(*args, **kwargs) calls apply_async(args, kwargs). Use \
            apply_async when you need execution options such as a countdown or a queue.
            """
        try Data(calling.utf8).write(to: dir.appendingPathComponent("calling.md"))
        for (n, word) in ["vs", "actual", "difference", "practical"].enumerated() {
            let page = "# Notes \(n)\n\n## Note\n\nThe \(word) page of notes \(n) lists workers and brokers.\n"
            try Data(page.utf8).write(to: dir.appendingPathComponent("notes\(n).md"))
        }
        for n in 0..<12 {
            let page = "# Workers \(n)\n\n## Pools\n\nWorker \(n) runs a prefork pool of processes that consume the queue.\n"
            try Data(page.utf8).write(to: dir.appendingPathComponent("workers\(n).md"))
        }
        let engine = try Engine(indexPath: Scratch.path("index", suffix: ".sqlite").path, corpusPath: dir.path)
        _ = try engine.reindex()
        _ = try #require(try engine.embedVectors())
        let question = "delay vs apply_async, what's the actual practical difference?"
        engine.weighsConceptsByMeaning = false
        #expect(try engine.ask(question).answer.abstained)
        engine.weighsConceptsByMeaning = true
        let (answer, outcome) = try engine.ask(question)
        #expect(!answer.abstained)
        #expect(answer.text.contains("apply_async"))
        let salience = try #require(outcome.query.salience)
        let byLabel = Dictionary(uniqueKeysWithValues: zip(outcome.query.concepts.map(\.label), salience))
        #expect(byLabel["apply_async"]! > byLabel["actual"]!)
        #expect(byLabel["apply_async"]! > byLabel["vs"]!)
        // A word no chunk holds is weighed by meaning on the first pass: is it what the question is about?
        let absent = try engine.search("does apply_async accept a zorblax option", limit: 5)
        #expect(absent.query.salience?.count == absent.query.concepts.count)
        engine.weighsConceptsByMeaning = false
        #expect(try engine.search("does apply_async accept a zorblax option", limit: 5).query.salience == nil)
    }

    @Test func thePassStopsBetweenBatchesResumesAndEmbedsOnlyWhatChanged() throws {
        let dir = Self.corpus(pages: 3)  // 21 chunks: three batches of 8
        let engine = try Engine(indexPath: Scratch.path("index", suffix: ".sqlite").path, corpusPath: dir.path)
        _ = try engine.reindex()
        let chunks = try engine.counts().chunks
        let batch = 8
        #expect(chunks > 2 * batch)
        var batches = 0
        let stopped = try #require(try engine.embedVectors(batchSize: batch, shouldStop: { defer { batches += 1 }; return batches >= 1 }))
        #expect(stopped.embedded == batch)
        #expect(try engine.vectorCountList() == [batch, chunks - batch])
        #expect(try engine.readyVectors() == nil)
        let resumed = try #require(try engine.embedVectors(batchSize: batch))
        #expect(resumed.embedded == chunks - batch && resumed.total == chunks)
        #expect(try engine.readyVectors()?.count == chunks)
        // One page changes: its chunks alone are embedded again.
        try Data("# The development server\n\n## Externally Visible Server\n\nNow it says something else.\n".utf8)
            .write(to: dir.appendingPathComponent("server.md"))
        _ = try engine.reindex()
        let again = try #require(try engine.embedVectors())
        #expect(again.embedded == 1)
        #expect(try engine.vectorCounts().missing == 0)
    }
}

extension Engine {
    /// [embedded, missing], comparable inside #expect.
    func vectorCountList() throws -> [Int] {
        let counts = try vectorCounts()
        return [counts.embedded, counts.missing]
    }
}
