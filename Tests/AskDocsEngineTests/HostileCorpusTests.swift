// Issue #6, "nothing lost, nothing crashes": a corpus of hostile files indexed through the real Engine.
// Every file is either indexed or skipped with a one-line reason, and the index answers afterwards.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AskDocsEngine
@testable import AskDocsIndex
@testable import AskDocsIngest

@Suite struct HostileCorpusTests {
    static func temporaryDirectory() -> URL {
        IncrementalIndexTests.temporaryDirectory()
    }

    static func write(_ bytes: some Sequence<UInt8>, to url: URL) {
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }

    static func write(_ text: String, to url: URL) { write(Array(text.utf8), to: url) }

    static func utf16LittleEndianWithBOM(_ text: String) -> [UInt8] {
        [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// The answer to `question` cites `source` (and is not an abstention).
    static func expectAnswer(_ engine: Engine, _ question: String, cites source: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (answer, _) = try engine.ask(question)
        #expect(!answer.abstained, "abstained on \(question)", sourceLocation: sourceLocation)
        #expect(answer.citations.first?.source == source,
                "\(question) cited \(answer.citations.map(\.source)), expected \(source)", sourceLocation: sourceLocation)
    }

    static func reasons(_ summary: IndexSummary) -> [String: String] {
        Dictionary(summary.skippedFiles.map { ($0.path, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func everyHostileFileIsIndexedOrSkippedWithAReason() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        func file(_ name: String) -> URL { corpus.appendingPathComponent(name) }

        Self.write("# Plain\n\nThe plain control page says the heron fishes at dawn.\n", to: file("plain.md"))
        Self.write(Array("# Quokkas\n\nThe quokka colony lives on Rottnest Island. Broken bytes: ".utf8)
                   + [0xFF, 0xFE, 0x80, 0xC3] + Array(" and the text goes on.\n".utf8), to: file("invalid-utf8.md"))
        // A few stray NULs in a page of text (not enough to look binary): dropped, the text kept.
        let filler = String(repeating: "Salamanders are amphibians with long tails and moist skin. ", count: 20)
        Self.write("Axolotls\n\nThe axolotl regrows its lost limbs\u{0} completely.\u{0} \(filler)\u{0}\n", to: file("nul-bytes.txt"))
        Self.write(Self.utf16LittleEndianWithBOM("# Narwhals\r\n\r\nThe narwhal tusk is an enlarged canine tooth.\r\n"),
                   to: file("utf16.md"))
        Self.write("# Pangolins\r\n\r\nPangolin scales are made of keratin.\r\n", to: file("crlf.md"))
        Self.write("# Tardigrades\r\rThe tardigrade survives the vacuum of space.\r", to: file("lone-cr.md"))
        Self.write([UInt8](), to: file("empty.md"))
        // 50 MB, sparse: cheap to create, and never read, since the scan already knows its size.
        Self.write("# Huge\n\nThe huge page mentions the manatee.\n", to: file("huge.md"))
        let huge = try FileHandle(forWritingTo: file("huge.md"))
        try huge.truncate(atOffset: 50 * 1_048_576)
        try huge.close()
        Self.write([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 4_000)
                   + Array("The binary mentions the wolverine.".utf8), to: file("binary.md"))
        let deep = String(repeating: "<div>", count: 10_000) + "<p>The okapi is the closest relative of the giraffe.</p>"
            + String(repeating: "</div>", count: 10_000)
        Self.write("<html><head><title>Okapi</title></head><body>\(deep)</body></html>", to: file("deep.html"))
        let entities = String(repeating: "&amp;&lt;&gt;&quot;&nbsp;&#8212;&#x1F9AB;&eacute;&bogus;&#0;&#xD800;&#99999999; ", count: 20_000)
        Self.write("""
            <html><body><h1>Capybaras</h1><p>The capybara is the largest living rodent &amp; lives in South \
            America &mdash; near rivers.</p><p>\(entities)</p></body></html>
            """, to: file("entities.html"))
        // 5 MB on one line: many sentences with no line break at all.
        let sentence = "Wombats dig burrows with their strong claws and sleep through the day. "
        let line = "The wombat produces cube-shaped droppings. "
            + String(repeating: sentence, count: 5 * 1_048_576 / sentence.utf8.count)
        Self.write("# Wombats\n\n" + line, to: file("one-line.md"))

        // Symbolic links: a loop, a link to a folder above, a link to a file outside the corpus.
        let outside = dir.appendingPathComponent("outside/secret.md")
        Self.write("# Secret\n\nThe dugong grazes on seagrass.\n", to: outside)
        try FileManager.default.createSymbolicLink(atPath: file("loop.md").path, withDestinationPath: "loop.md")
        try FileManager.default.createDirectory(at: file("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: file("sub/up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: file("outside.md").path, withDestinationPath: outside.path)

        // Names: non-ASCII folder and file, a 249-byte name, and two names that differ only in Unicode
        // normalisation (distinct files on Linux, equal as Swift Strings).
        Self.write("# Platypus\n\nThe platypus lays eggs although it is a mammal.\n", to: file("日本語/カモノハシ.md"))
        let longName = String(repeating: "ü", count: 123) + ".md"
        #expect(longName.utf8.count == 249)
        Self.write("# Echidna\n\nThe echidna eats ants and termites with its long tongue.\n", to: file(longName))
        Self.write("# Café NFC\n\nThe composed cafe page says the espresso costs two euros.\n", to: file("caf\u{E9}.md"))
        Self.write("# Café NFD\n\nThe decomposed cafe page says the croissant costs three euros.\n", to: file("cafe\u{301}.md"))
        // A name that is not UTF-8 at all (Latin-1 "é"): legal on Linux, unreadable by name from Swift.
        let latin1Name = Array(file("latin1-").path.utf8) + [0xE9] + Array(".md".utf8)
        let fd = open(latin1Name.map { CChar(bitPattern: $0) } + [0], O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        _ = "# Latin\n\nThe ocelot hunts at night.\n".withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)

        let engine = try Engine(indexPath: dir.appendingPathComponent("index.sqlite").path, corpusPath: corpus.path)
        let started = Date()
        let summary = try engine.reindex()
        let seconds = Date().timeIntervalSince(started)

        let skipped = Self.reasons(summary)
        #expect(skipped["empty.md"] == "empty file")
        #expect(skipped["huge.md"] == "too large (50 MB; the limit is 16 MB)")
        #expect(skipped["binary.md"] == "binary content, not text")
        #expect(skipped["loop.md"] == "symbolic link, not followed")
        #expect(skipped["sub/up"] == "symbolic link, not followed")
        #expect(skipped["outside.md"] == "symbolic link, not followed")
        #expect(skipped["latin1-\u{FFFD}.md"] == "name is not valid UTF-8, not read (rename it to index it)")
        #expect(skipped.count == 7, "skipped: \(skipped)")
        #expect(summary.skippedFiles.allSatisfy { !$0.reason.contains("\n") && !$0.path.contains("\n") })

        let indexed = ["plain.md", "invalid-utf8.md", "nul-bytes.txt", "utf16.md", "crlf.md", "lone-cr.md",
                       "deep.html", "entities.html", "one-line.md", "日本語/カモノハシ.md", longName,
                       "caf\u{E9}.md", "cafe\u{301}.md"]
        #expect(summary.added == indexed.count)
        let stored = try engine.index.storedDocuments()
        #expect(stored.count == indexed.count)
        #expect(try engine.counts().documents == indexed.count)
        #expect(try engine.integrityProblems() == nil)
        #expect(seconds < 20, "indexing the hostile corpus took \(seconds) s")

        try Self.expectAnswer(engine, "where does the quokka colony live?", cites: "invalid-utf8.md")
        try Self.expectAnswer(engine, "what does the axolotl regrow?", cites: "nul-bytes.txt")
        try Self.expectAnswer(engine, "what is the narwhal tusk?", cites: "utf16.md")
        try Self.expectAnswer(engine, "what are pangolin scales made of?", cites: "crlf.md")
        try Self.expectAnswer(engine, "what does the tardigrade survive?", cites: "lone-cr.md")
        try Self.expectAnswer(engine, "what is the closest relative of the giraffe?", cites: "deep.html")
        try Self.expectAnswer(engine, "what is the largest living rodent?", cites: "entities.html")
        try Self.expectAnswer(engine, "what shape are wombat droppings?", cites: "one-line.md")
        try Self.expectAnswer(engine, "does the platypus lay eggs?", cites: "日本語/カモノハシ.md")
        try Self.expectAnswer(engine, "what does the echidna eat?", cites: longName)
        try Self.expectAnswer(engine, "how much does the espresso cost?", cites: "caf\u{E9}.md")
        try Self.expectAnswer(engine, "how much does the croissant cost?", cites: "cafe\u{301}.md")
        // Nothing from outside the corpus, from a skipped file, or NULs made it in.
        for word in ["dugong", "manatee", "wolverine", "ocelot"] {
            #expect(try engine.search(word, limit: 5).passages.isEmpty, "\(word) should not be indexed")
        }
        let nul = try engine.index.connection.prepare("SELECT count(*) FROM chunks WHERE instr(body, char(0)) > 0")
        _ = try nul.step()
        #expect(nul.int(0) == 0)
        nul.finish()

        // A second run finds everything current: nothing re-read, nothing churned by look-alike names.
        #expect(try engine.staleness()?.isCurrent == true)
        let again = try engine.reindex()
        #expect(!again.changedAnything, "second run changed \(again.changedPaths)")
        #expect(again.unchanged == indexed.count)
        #expect(again.skipped == 7)
    }

    @Test func aFileThatCannotBeReadIsSkippedWithTheReason() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        Self.write("# Ibex\n\nThe ibex climbs steep dam walls for salt.\n", to: corpus.appendingPathComponent("locked.md"))
        Self.write("# Heron\n\nThe heron fishes at dawn.\n", to: corpus.appendingPathComponent("open.md"))
        let locked = corpus.appendingPathComponent("locked.md").path
        #expect(chmod(locked, 0) == 0)
        defer { chmod(locked, 0o644) }
        let engine = try Engine(indexPath: dir.appendingPathComponent("index.sqlite").path, corpusPath: corpus.path)

        if access(locked, R_OK) != 0 {
            let summary = try engine.reindex()
            #expect(Self.reasons(summary) == ["locked.md": "unreadable: Permission denied"])
            #expect(summary.added == 1)
            // Remembered: the index counts as current, so asking does not reindex every time…
            #expect(try engine.staleness()?.isCurrent == true)
            // …until the file can be read, though its mtime did not move.
            #expect(chmod(locked, 0o644) == 0)
            #expect(try engine.staleness()?.isCurrent == false)
            #expect(try engine.reindex().added == 1)
            try Self.expectAnswer(engine, "what does the ibex climb?", cites: "locked.md")
        } else {
            // Running as root: mode 000 does not stop root from reading, so the file is rightly indexed.
            // The permission failure itself then comes through the indexer's file-reading seam, as the
            // errno open(2) gives anyone else, so the message is checked either way.
            let summary = try Indexer.run(corpus: corpus.path, index: engine.index, read: { file in
                guard file.relativePath == "locked.md" else { return try Indexer.contents(of: file) }
                throw FileReadError(code: EACCES)
            })
            #expect(Self.reasons(summary) == ["locked.md": "unreadable: Permission denied"])
            #expect(summary.added == 1)
            #expect(try engine.index.storedSkips()[PathKey("locked.md")]?.reason == "unreadable: Permission denied")
            // Remembered, but retried as soon as it can be read, which (as root) it can.
            #expect(try engine.staleness()?.isCurrent == false)
            #expect(try engine.reindex().added == 1)
            try Self.expectAnswer(engine, "what does the ibex climb?", cites: "locked.md")
        }
        try Self.expectAnswer(engine, "when does the heron fish?", cites: "open.md")
    }

    /// Files deleted and rewritten between the scan and the read: the run still commits a consistent
    /// index, and the next run catches up with what changed.
    @Test func filesThatVanishOrChangeWhileIndexing() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus")
        @Sendable func file(_ name: String) -> URL { corpus.appendingPathComponent(name) }
        Self.write("# Alpha\n\nThe alpaca grazes in the Andes.\n", to: file("a.md"))
        Self.write("# Bravo\n\nThe beaver builds dams from branches.\n", to: file("b.md"))
        Self.write("# Charlie\n\nThe chinchilla bathes in volcanic dust.\n", to: file("c.md"))
        let engine = try Engine(indexPath: dir.appendingPathComponent("index.sqlite").path, corpusPath: corpus.path)
        #expect(try engine.reindex().added == 3)

        // Every file changes, so the plan reads them all (in path order); while a.md is read, b.md is
        // rewritten with other content, c.md is deleted and d.md (a new file the scan saw) is deleted too.
        Self.write("# Alpha\n\nThe alpaca grazes in the high Andes.\n", to: file("a.md"))
        Self.write("# Bravo\n\nThe beaver builds dams.\n", to: file("b.md"))
        Self.write("# Charlie\n\nThe chinchilla bathes in dust.\n", to: file("c.md"))
        Self.write("# Delta\n\nThe dingo howls.\n", to: file("d.md"))
        let summary = try Indexer.run(corpus: corpus.path, index: engine.index, read: { corpusFile in
            if corpusFile.relativePath == "a.md" {
                Self.write("# Bravo\n\nThe bison roams the prairie in herds.\n", to: file("b.md"))
                try FileManager.default.removeItem(at: file("c.md"))
                try FileManager.default.removeItem(at: file("d.md"))
            }
            return try Indexer.contents(of: corpusFile)
        })
        #expect(Self.reasons(summary) == ["c.md": "unreadable: No such file or directory",
                                          "d.md": "unreadable: No such file or directory"])
        #expect(summary.updated == 2 && summary.removed == 1 && summary.added == 0)
        #expect(try engine.counts().documents == 2)
        #expect(try engine.integrityProblems() == nil)
        try Self.expectAnswer(engine, "where does the bison roam?", cites: "b.md")
        #expect(try engine.search("chinchilla", limit: 5).passages.isEmpty)

        // b.md was recorded with the size and mtime of the scan, not of what was read: the next run
        // re-reads it, finds the content it already holds, and nothing else is pending.
        #expect(try engine.staleness()?.isCurrent == false)
        let next = try engine.reindex()
        #expect(next.chunksWritten == 0 && next.unchanged == 2 && next.skipped == 0)
        #expect(try engine.staleness()?.isCurrent == true)
    }
}
