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
}
