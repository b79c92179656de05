// Tokenizing, stemming, sentence splitting and highlighting.

import Testing
@testable import AskDocsCore

@Suite struct TextTests {
    @Test func tokenizerFoldsCaseAndDiacriticsLikeUnicode61() {
        #expect(Tokenizer.words("Café, naïve RÉSUMÉ req/sec 11ms") == ["cafe", "naive", "resume", "req", "sec", "11ms"])
    }

    @Test func stemmerMatchesPorter() {
        #expect(Stemmer.stem("databases") == "databas")
        #expect(Stemmer.stem("database") == "databas")
        #expect(Stemmer.stem("running") == "run")
        #expect(Stemmer.stem("11ms") == "11ms")
    }

    @Test func sentencesKeepAbbreviationsAndVersions() {
        let s = SentenceSplitter.sentences(
            "It remains synchronous even in 5.x. Use e.g. SQLAlchemy 2.0 for async. Mr. Grinberg agrees! Does it?")
        #expect(s == ["It remains synchronous even in 5.x.", "Use e.g. SQLAlchemy 2.0 for async.",
                      "Mr. Grinberg agrees!", "Does it?"])
    }

    /// SQL syntax in docs writes "..." for what is left out, often inside an aside in parentheses.
    @Test func ellipsesAndAsidesDoNotEndSentences() {
        let s = SentenceSplitter.sentences(
            "When row security is enabled on a table (with ALTER TABLE ... ENABLE ROW LEVEL SECURITY), all access "
            + "must be allowed by a policy. If no policy exists, a default-deny policy is used. (See Section 5.8. "
            + "It has examples.) Done.")
        #expect(s == ["When row security is enabled on a table (with ALTER TABLE ... ENABLE ROW LEVEL SECURITY), all "
                      + "access must be allowed by a policy.", "If no policy exists, a default-deny policy is used.",
                      "(See Section 5.8. It has examples.)", "Done."])
    }

    /// An ordered list item opens on its marker: "2." is not a sentence of its own.
    @Test func listMarkersDoNotEndSentences() {
        #expect(SentenceSplitter.sentences("2. Run the tests. Then commit.") == ["2. Run the tests.", "Then commit."])
        #expect(SentenceSplitter.sentences("b. Another part.") == ["b. Another part."])
        #expect(SentenceSplitter.sentences("iv. Fourth. It ends.") == ["iv. Fourth.", "It ends."])
        #expect(SentenceSplitter.sentences("It was 1984. Then it was not.") == ["It was 1984.", "Then it was not."])
    }

    @Test func splittingLosesNoWord() {
        let text = "One. Two three? \"Four\" five! 6 seven. (Eight) nine.\n\nTen eleven"
        let joined = SentenceSplitter.units(of: text, kind: .prose).map(\.text).joined(separator: " ")
        #expect(Tokenizer.words(joined) == Tokenizer.words(text))
    }

    @Test func codeAndTableUnits() {
        #expect(SentenceSplitter.units(of: "a = 1\nb = 2", kind: .code).count == 1)
        #expect(SentenceSplitter.units(of: "row one\nrow two", kind: .tableRow).map(\.text) == ["row one", "row two"])
    }

    @Test func snippetMarksMatchedWords() {
        let q = QueryAnalyzer.analyze("database latency")
        let s = Highlighter.snippet(of: "With actual database queries FastAPI handles 440 requests at 11ms latency.", for: q)
        #expect(s.contains("**database**"))
        #expect(s.contains("**latency**"))
    }

    /// Matched words joined by punctuation are one mark, not **csrf**_**token**.
    @Test func snippetMarksAnIdentifierOnce() {
        let s = Highlighter.snippet(of: "Every form must include the csrf_token field.", for: QueryAnalyzer.analyze("csrf token"))
        #expect(s.contains("**csrf_token**"), "\(s)")
        #expect(!s.contains("**_**"), "\(s)")
    }

    /// The byte-level collapser gives what the Character-level split gave, on every kind of whitespace.
    @Test func whitespaceCollapsesLikeCharacterSplit() {
        func reference(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let fixed = ["", " ", "a", " a ", "a  b", "\ta\nb\r\nc", "x\u{00A0}y", "x\u{2003}\u{3000}y", "x\u{2028}y\u{2029}",
                     "\u{1680}café\u{202F}naïve\u{205F}", "x\u{0085}y", "already clean text", "tail ", " head",
                     "日本語\u{3000}テキスト", "emoji 👩‍💻  here", "x\u{200B}y"]
        for s in fixed { #expect(Whitespace.collapsed(s) == reference(s), "\(s.debugDescription)") }
        let alphabet: [Character] = ["a", "é", " ", "\t", "\n", "\u{00A0}", "\u{2009}", "\u{3000}", "日", "-", "\u{85}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let s = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(Whitespace.collapsed(s) == reference(s), "\(s.debugDescription)")
        }
    }
}

@Suite struct ExampleQuestionTests {
    /// Headings that ask come first, as asked; topics follow without their subtitles; API names, single
    /// words and repeats are skipped.
    @Test func examplesComeFromHeadings() {
        let headings = ["What Is Flask? The Minimalist Microframework", "Guide › Performance Benchmarks: The Real Speed Test",
                        "json.dumps()", "Overview", "Learning Curve: Which One Is Easiest to Learn?",
                        "Real-World Benchmark With Database Calls", "What is Flask?"]
        #expect(ExampleQuestions.pick(from: headings, count: 4)
                == ["What Is Flask?", "Which One Is Easiest to Learn?", "Performance Benchmarks",
                    "Real-World Benchmark With Database Calls"])
        #expect(ExampleQuestions.pick(from: headings, count: 1) == ["What Is Flask?"])
        #expect(ExampleQuestions.pick(from: [], count: 4).isEmpty)
    }
}
