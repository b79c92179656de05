// End to end over the engine: incremental indexing equals a full rebuild, staleness, the JSON contract,
// and the shipped corpus' questions.

import Foundation
import AskDocsTestSupport
import Testing
@testable import AskDocsCore
@testable import AskDocsEngine
@testable import AskDocsIndex

@Suite struct IncrementalIndexTests {
    static func temporaryDirectory() -> URL {
        let url = Scratch.path("corpus")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) {
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: url)
    }

    /// Every chunk as (source, headings, text): the index's content, independent of row ids.
    static func content(_ index: String) throws -> [String] {
        let db = try SearchIndex(readingAt: index)
        let s = try db.connection.prepare("""
            SELECT d.path, d.title, c.headings, c.anchor, c.kind, c.body FROM chunks c JOIN documents d ON d.id = c.document_id
            ORDER BY d.path, c.ordinal
            """)
        var out: [String] = []
        while try s.step() { out.append((0..<6).map { s.text(Int32($0)) }.joined(separator: "|")) }
        return out
    }

    @Test func incrementalEndsWhereAFullRebuildDoes() throws {
        let dir = Self.temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus")
        Self.write("# A\n\n## One\n\nAlpha text about caching.\n", to: corpus.appendingPathComponent("a.md"))
        Self.write("# B\n\nBeta text about routing.\n", to: corpus.appendingPathComponent("sub/b.md"))
        Self.write("<html><body><h1>C</h1><h2 id='x'>X</h2><p>Gamma text.</p></body></html>", to: corpus.appendingPathComponent("c.html"))
        Self.write("not indexed", to: corpus.appendingPathComponent("notes.pdf"))
        let incremental = dir.appendingPathComponent("inc.sqlite").path
        let engine = try Engine(indexPath: incremental, corpusPath: corpus.path)
        let first = try engine.reindex()
        #expect(first.added == 3)
        #expect(first.skippedFiles.map(\.path) == ["notes.pdf"])

        // Change, add, delete, rename.
        Self.write("# A\n\n## One\n\nAlpha text about caching, changed.\n", to: corpus.appendingPathComponent("a.md"))
        Self.write("# D\n\nDelta text about queues.\n", to: corpus.appendingPathComponent("d.txt"))
        try FileManager.default.removeItem(at: corpus.appendingPathComponent("c.html"))
        try FileManager.default.moveItem(at: corpus.appendingPathComponent("sub/b.md"), to: corpus.appendingPathComponent("sub/b2.md"))
        let second = try engine.reindex()
        #expect(second.added == 2)      // d.txt, sub/b2.md
        #expect(second.updated == 1)    // a.md
        #expect(second.removed == 2)    // c.html, sub/b.md
        #expect(second.unchanged == 0)

        let full = dir.appendingPathComponent("full.sqlite").path
        _ = try Engine(indexPath: full, corpusPath: corpus.path).reindex(full: true)
        #expect(try Self.content(incremental) == Self.content(full))

        // Nothing changed: nothing read, nothing written.
        let third = try engine.reindex()
        #expect(!third.changedAnything)
        #expect(third.unchanged == 3)
        #expect(try engine.staleness()?.isCurrent == true)

        // A touched file with the same content is not re-chunked.
        let a = corpus.appendingPathComponent("a.md").path
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: a)
        #expect(try engine.staleness()?.isCurrent == false)
        let fourth = try engine.reindex()
        #expect(fourth.chunksWritten == 0 && fourth.unchanged == 3)
        #expect(try engine.integrityProblems() == nil)
    }

    @Test func aMalformedFileIsSkippedAndTheRestIndexed() throws {
        let dir = Self.temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus")
        Self.write("# Good\n\nGood text.\n", to: corpus.appendingPathComponent("good.md"))
        try Data([0, 1, 2, 3, 0, 0, 0, 0, 5, 0]).write(to: corpus.appendingPathComponent("binary.md"))
        try Data().write(to: corpus.appendingPathComponent("empty.txt"))
        let engine = try Engine(indexPath: dir.appendingPathComponent("i.sqlite").path, corpusPath: corpus.path)
        let summary = try engine.reindex()
        #expect(summary.added == 1)
        #expect(Set(summary.skippedFiles.map(\.path)) == ["binary.md", "empty.txt"])
        #expect(summary.skippedFiles.allSatisfy { !$0.reason.isEmpty })
        // Skipped files are remembered: the index counts as current, and they are reported again.
        #expect(try engine.staleness()?.isCurrent == true)
        let again = try engine.reindex()
        #expect(!again.changedAnything && again.skipped == 2)
        // Once fixed, a skipped file is indexed.
        try Data("# Fixed\n\nNow it has text.\n".utf8).write(to: corpus.appendingPathComponent("empty.txt"))
        #expect(try engine.reindex().added == 1)
    }
}

@Suite(.serialized) struct ShippedCorpusTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func engine() throws -> Engine {
        let path = Scratch.path("shipped", suffix: ".sqlite").path
        let engine = try Engine(indexPath: path, corpusPath: repo.appendingPathComponent("Corpus").path)
        _ = try engine.reindex()
        return engine
    }

    /// Typos are read as the closest word the corpus has, and the user is told; exact words are never
    /// touched, and a misspelt word with nothing near it is left as it is.
    @Test func typosAreCorrectedAgainstTheCorpusAndSaidSo() throws {
        let engine = try Self.engine()
        let (answer, outcome) = try engine.ask("which is fastst with a databse?")
        #expect(outcome.query.correctedText == "which is fastest with a database?")
        #expect(answer.text.contains("440") && answer.text.contains("344"), "\(answer.text)")
        #expect(answer.citations.first?.section == "Real-World Benchmark With Database Calls")
        let json = JSONOutput.encode(AskResponse(answer, query: outcome.query))
        #expect(json.contains(#""showingResultsFor":"which is fastest with a database?""#))
        #expect(try engine.search("djnago admin").query.correctedText == "django admin")
        let exact = try engine.ask("which is fastest with a database?")
        #expect(exact.search.query.corrections.isEmpty)
        #expect(JSONOutput.encode(AskResponse(exact.answer, query: exact.search.query)).contains("showingResultsFor") == false)
        #expect(try engine.search("xqzvwk framework").query.corrections.isEmpty)
        // A word written as a name is corrected only to a subject of the corpus (a word some title or
        // heading holds): "Djnago" is Django, but "Bottle" is another framework, not "battle", and the
        // corpus cannot say whether it is faster.
        #expect(try engine.search("Is Djnago good for a blog?").query.correctedText == "Is django good for a blog?")
        let (bottle, bottleSearch) = try engine.ask("Is Bottle faster than Flask?")
        #expect(bottleSearch.query.corrections.isEmpty)
        #expect(bottle.abstained)
    }

    /// In a conversation each follow-up leans on what the one before it stood for, not on its words as
    /// typed (the answer it then gets, with the model, is checked in VectorSearchTests).
    @Test func aFollowUpOfAFollowUpKeepsTheConversation() throws {
        let engine = try Self.engine()
        let history = [ConversationTurn(question: "which is fastest with a database?", answer: ""),
                       ConversationTurn(question: "and without a database?", answer: "")]
        let expected = "which is fastest? django s numbers django s numbers"
        #expect(try engine.standalone("what about django's numbers?", history: history) == expected)
        let (_, outcome) = try engine.ask("what about django's numbers?", history: history)
        #expect(outcome.query.text == expected)
        let siblings = [ConversationTurn(question: "what does flask give you out of the box?", answer: ""),
                        ConversationTurn(question: "and django?", answer: "")]
        #expect(try engine.standalone("what about fastapi?", history: siblings)
                == "what does fastapi give you out of the box?")
    }

    /// A sentence that announces an example is answered with it: the engine hands the composer the chunk
    /// after each passage in its section, and the code block there is shown.
    @Test func anAnnouncedExampleComesFromTheNextChunk() throws {
        let corpus = IncrementalIndexTests.temporaryDirectory().appendingPathComponent("corpus")
        IncrementalIndexTests.write("""
            # Logging Cookbook

            ## Using file rotation

            Sometimes you want a log file to grow to a certain size, then open a new file and log to that.
            For this usage pattern, the logging package provides a RotatingFileHandler:

            ```python
            handler = logging.handlers.RotatingFileHandler(LOG_FILENAME, maxBytes=20, backupCount=5)
            ```

            ## Using a queue

            Handlers that block can run in another thread.
            """, to: corpus.appendingPathComponent("cookbook.md"))
        let engine = try Engine(indexPath: Scratch.path("announced", suffix: ".sqlite").path, corpusPath: corpus.path)
        _ = try engine.reindex()
        let (answer, _) = try engine.ask("How do I get logging to open a new file once the log file grows to a certain size?")
        #expect(answer.text.hasSuffix("provides a RotatingFileHandler:\nhandler = logging.handlers.RotatingFileHandler(LOG_FILENAME, maxBytes=20, backupCount=5)"),
                "\(answer.text)")
        #expect(answer.citations.first?.section == "Using file rotation")
    }

    /// Only misspellings are corrected: an English word the corpus never uses ("heard", "formatter") is
    /// the asker's English, not a typo of the nearest indexed word ("head", "formatted").
    @Test func englishWordsAreNotTypos() throws {
        let checker = SpellChecker()
        #expect(checker.dictionary != nil, "the tests need Debian's hunspell-en-us")
        #expect(checker.accepts("heard") == true && checker.accepts("formatter") == true)
        #expect(checker.accepts("djnago") == false && checker.accepts("databse") == false)
        #expect(SpellChecker(paths: ["/nonexistent/en_US"]).accepts("heard") == nil)
        let engine = try Self.engine()
        let outcome = try engine.search("I heard the databse is the fastest")
        #expect(outcome.query.corrections == [Correction(word: "databse", readAs: "database")])
        #expect(outcome.query.englishWords?.contains("heard") == true)
        // Without a dictionary, the old way: the nearest word, whatever the spelling.
        engine.spellChecker = SpellChecker(paths: [])
        #expect(try engine.search("I heard the databse is the fastest").query.corrections.count == 2)
    }

    /// "Who" is answered by names; "This alone is a massive productivity win." speaks of a statement,
    /// not of FastAPI, and does not answer it.
    @Test func whoIsAnsweredByNames() throws {
        let (answer, _) = try Self.engine().ask("Who uses FastAPI in production?")
        #expect(answer.text.contains("Microsoft") && answer.text.contains("Uber"), "\(answer.text)")
        #expect(answer.citations.first?.section == "Companies Using FastAPI in Production")
    }

    /// An identifier the corpus never writes (another library's setting) means the corpus cannot answer;
    /// one it writes, however punctuated ("Flask-SQLAlchemy" for flask_sqlalchemy), does not.
    @Test func anIdentifierTheCorpusNeverWritesIsAnAbstention() throws {
        let engine = try Self.engine()
        let (absent, _) = try engine.ask("what is the default pool_maxsize of flask?")
        #expect(absent.abstained)
        #expect(try engine.absentIdentifiers(in: "what is the default pool_maxsize of flask?") == ["pool_maxsize"])
        #expect(try engine.absentIdentifiers(in: "is flask_sqlalchemy an extension?").isEmpty)
        #expect(!(try engine.ask("is flask_sqlalchemy an extension?").answer.abstained))
    }

    /// A hyphenated word whose head the dictionary rejects is a name ("better-sqlite3", a Node package):
    /// absent unless the corpus writes its words as a run ("Flask-SQLAlchemy"). One whose head is English
    /// ("Django-style") is a description, and a UUID pasted from an error is the asker's data.
    @Test func aHyphenatedNameTheCorpusNeverWritesIsAnAbstention() throws {
        let engine = try Self.engine()
        #expect(try engine.absentIdentifiers(in: "how do I use flask with better-sqlite3?") == ["better-sqlite3"])
        #expect(try engine.ask("how do I use flask with better-sqlite3?").answer.abstained)
        #expect(try engine.absentIdentifiers(in: "is Flask-SQLAlchemy an extension?").isEmpty)
        #expect(try engine.absentIdentifiers(in: "does fastapi have a Django-style admin?").isEmpty)
        #expect(try engine.absentIdentifiers(in: "can flask call it from a non-asgi function?").isEmpty)
        #expect(try engine.absentIdentifiers(in: "flask says task 97de6f3f-ea67-4517-a21c-d867c61fcb47 failed").isEmpty)
    }

    /// A question that pastes the asker's own code is answered from what the corpus says of the rest; the
    /// same kind of name asked about with no code around it is still a name the corpus lacks.
    @Test func theAskersOwnCodeIsNoReasonToAbstain() throws {
        let engine = try Self.engine()
        let pasted = "my load_orders() view does app.route('/orders') in flask, which framework is fastest with a database?"
        #expect(try engine.absentIdentifiers(in: pasted).isEmpty)
        #expect(try !engine.ask(pasted).answer.abstained)
        #expect(try engine.absentIdentifiers(in: "what is the default pool_maxsize in flask?") == ["pool_maxsize"])
    }

    /// A word whose stem the index spells otherwise (Snowball's and FTS5's Porter disagree on a few) is
    /// counted by FTS5 itself, not taken for a word the corpus lacks.
    @Test func aWordStemmedOtherwiseIsCountedByFTS5() throws {
        let engine = try Self.engine()
        let query = QueryAnalyzer.analyze("django admin")
        var statistics = CorpusStatistics(chunkCount: 24, averageChunkTokens: 100, documentFrequency: ["django": 0])
        try engine.countWordsStemmedOtherwise(query, in: &statistics)
        #expect(statistics.documentFrequency["django", default: 0] > 0)
        #expect(try engine.index.chunkCount(matchingWord: "xqzvwk") == 0)
    }

    /// With a tiny postings budget every question is "common words only": candidates come from the
    /// narrowed (AND) expression when it finds enough chunks, else from the OR expression.
    @Test func narrowedCandidatesFallBackToTheORExpression() throws {
        let dir = IncrementalIndexTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        for i in 0..<30 {
            IncrementalIndexTests.write("# Note \(i)\n\nThe walrus and the pelican meet on shore \(i).\n", to: corpus.appendingPathComponent("n\(i).md"))
        }
        IncrementalIndexTests.write("# Zebra\n\nThe zebra grazes alone.\n", to: corpus.appendingPathComponent("zebra.md"))
        let engine = try Engine(indexPath: dir.appendingPathComponent("i.sqlite").path, corpusPath: corpus.path)
        _ = try engine.reindex()
        engine.postingsBudget = 1
        let together = try engine.search("walrus pelican", limit: 5)
        #expect(together.expression == #"("walrus") AND ("pelican")"#)
        #expect(together.passages.count == 5)
        // No chunk holds both: the AND finds nothing and the OR expression is searched instead.
        let apart = try engine.search("walrus zebra", limit: 5)
        #expect(apart.expression?.contains(" AND ") == false)
        #expect(apart.passages.first?.candidate.source == "zebra.md")
        engine.narrowedConcepts = 0
        #expect(try engine.search("walrus pelican", limit: 5).expression?.contains(" AND ") == false)
    }

    @Test func theFlagshipQuestion() throws {
        let (answer, _) = try Self.engine().ask("which is fastest with a database?")
        #expect(!answer.abstained)
        #expect(answer.text.contains("FastAPI"))
        #expect(answer.text.contains("440"))
        #expect(answer.text.contains("344"))
        #expect(answer.citations.first?.section == "Real-World Benchmark With Database Calls")
        #expect(answer.citations.first?.source == "flask-vs-django-vs-fastapi.txt")
        #expect(answer.citations.first?.anchor == "real-world-benchmark-with-database-calls")
    }

    @Test func plainBM25WouldRankFastestGrowingFirstButWeDoNot() throws {
        let outcome = try Self.engine().search("which is fastest with a database?", limit: 3)
        #expect(outcome.passages.first?.candidate.headingPath == ["Real-World Benchmark With Database Calls"])
    }

    /// The development QA set shipped beside the project (when present, as in CI).
    @Test func developmentQuestionSet() throws {
        let qa = Self.repo.deletingLastPathComponent().appendingPathComponent("shared/qa/seed-dev.jsonl")
        guard let data = try? Data(contentsOf: qa) else { return }
        let engine = try Self.engine()
        var correct = 0, answerable = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let item = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let (answer, _) = try engine.ask(item["question"] as! String)
            if item["kind"] as? String == "unanswerable" {
                #expect(answer.abstained, "should abstain: \(item["question"]!)")
                #expect(answer.citations.isEmpty)
                continue
            }
            answerable += 1
            let must = item["must_contain"] as! [String]
            let ok = !answer.abstained && answer.text.count <= 500
                && must.allSatisfy { answer.text.lowercased().contains($0.lowercased()) }
                && answer.citations.contains { $0.section.hasSuffix(item["section"] as! String) }
            if ok { correct += 1 }
        }
        #expect(correct == answerable, "answered \(correct) of \(answerable)")
    }

    @Test func jsonContract() throws {
        let engine = try Self.engine()
        let search = try engine.search("django admin", limit: 2)
        let searchJSON = try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(SearchResponse(search)).utf8)) as! [String: Any]
        #expect(Set(searchJSON.keys) == ["query", "results"])
        let result = (searchJSON["results"] as! [[String: Any]])[0]
        #expect(Set(result.keys) == ["source", "title", "section", "anchor", "url", "score", "text", "snippet"])
        #expect(result["url"] is NSNull)  // a .txt post declares no URL and the index has no --base-url
        #expect(result["score"] is Double)

        let (answer, outcome) = try engine.ask("How do I deploy FastAPI on Kubernetes?")
        let askJSON = try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(AskResponse(answer, query: outcome.query)).utf8)) as! [String: Any]
        #expect(Set(askJSON.keys) == ["question", "answer", "abstained", "citations", "passages", "code"])
        #expect(askJSON["abstained"] as? Bool == true)
        #expect((askJSON["citations"] as! [Any]).isEmpty)
        let (answered, o2) = try engine.ask("which is fastest with a database?")
        let answeredJSON = try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(AskResponse(answered, query: o2.query)).utf8)) as! [String: Any]
        let citation = (answeredJSON["citations"] as! [[String: Any]])[0]
        #expect(Set(citation.keys) == ["source", "title", "section", "anchor", "url"])
    }

    @Test(arguments: ["\"", "*", "NEAR(", "AND", ":", "🔥🚀", String(repeating: "x", count: 10_000), "title:django OR"])
    func hostileQuestionsAnswerOrAbstain(_ text: String) throws {
        let engine = try Self.engine()
        _ = try engine.search(text, limit: 5)
        _ = try engine.ask(text)
    }
}

/// `askdocs eval retrieval` computes what ../shared/benchmarks/evaluate.py (trec_eval-exact) computes.
@Suite struct EvaluationTests {
    static let evaluator = ShippedCorpusTests.repo.deletingLastPathComponent()
        .appendingPathComponent("shared/benchmarks/evaluate.py")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: evaluator.path), "needs ../shared/benchmarks/evaluate.py"))
    func metricsMatchTheSharedEvaluatorOnARandomRun() throws {
        var generator = SystemRandomNumberGenerator()
        var qrels: [String: [String: Int]] = [:]
        var run: [String: [String: Double]] = [:]
        var qrelLines = ["query-id\tcorpus-id\tscore"], runLines: [String] = []
        for q in 1...40 {
            let qid = String(q)
            for d in 0..<30 where Int.random(in: 0..<4, using: &generator) == 0 {
                let grade = Int.random(in: 0...3, using: &generator)
                qrels[qid, default: [:]]["d\(d)"] = grade
                qrelLines.append("\(qid)\td\(d)\t\(grade)")
            }
            if q % 7 == 0 { continue }  // judged but missing from the run
            for d in 0..<60 where Int.random(in: 0..<3, using: &generator) == 0 {
                // Coarse scores, so that ties (broken by document id) happen.
                let score = Double(Int.random(in: 0..<8, using: &generator))
                run[qid, default: [:]]["d\(d)"] = score
                runLines.append("\(qid) Q0 d\(d) 0 \(score) test")
            }
        }
        let dir = Scratch.path("metrics")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (qrelLines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("qrels.tsv"), atomically: true, encoding: .utf8)
        try (runLines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("run.trec"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.evaluator.path, dir.appendingPathComponent("qrels.tsv").path,
                             dir.appendingPathComponent("run.trec").path, "--json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let reference = try JSONSerialization.jsonObject(with: data) as! [String: Any]

        let ours = RetrievalMetrics.evaluate(qrels: qrels, run: run)
        #expect(ours.queries == reference["n_queries"] as? Int)
        for m in RetrievalMetrics.measures {
            let theirs = try #require(reference[m] as? Double)
            #expect(abs((ours.mean[m] ?? -1) - theirs) < 1e-9, "\(m): \(ours.mean[m] ?? -1) vs \(theirs)")
        }
    }
}
