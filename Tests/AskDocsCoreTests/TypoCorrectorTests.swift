// Typo tolerance: distances, reach by word length, what is never corrected, and the question read anew.

import Testing
@testable import AskDocsCore

@Suite struct TypoCorrectorTests {
    func d(_ a: String, _ b: String, limit: Int = 3) -> Int? {
        TypoCorrector.distance(Array(a.utf8), Array(b.utf8), limit: limit)
    }

    @Test func distanceCountsATranspositionAsOneEdit() {
        #expect(d("django", "django") == 0)
        #expect(d("djnago", "django") == 1)
        #expect(d("databse", "database") == 1)
        #expect(d("fastst", "fastest") == 1)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("kitten", "sitting", limit: 2) == nil)
        #expect(d("", "abc") == 3)
    }

    @Test func reachGrowsWithTheWordLength() {
        #expect(TypoCorrector.allowedEdits(forLength: 4) == 0)
        #expect(TypoCorrector.allowedEdits(forLength: 5) == 1)
        #expect(TypoCorrector.allowedEdits(forLength: 8) == 1)
        #expect(TypoCorrector.allowedEdits(forLength: 9) == 2)
    }

    /// The closest term wins, then the commonest; a term already in the vocabulary is no typo.
    @Test func closestThenCommonest() {
        let vocabulary = Vocabulary([("databas", 40), ("databank", 1), ("fastest", 3), ("fast", 9), ("latenc", 5)])
        #expect(TypoCorrector.closest(to: "databs", edits: 1, in: vocabulary) == "databas")
        #expect(TypoCorrector.closest(to: "fastst", edits: 1, in: vocabulary) == "fastest")
        #expect(TypoCorrector.closest(to: "latncy", edits: 1, in: vocabulary) == nil)
        #expect(TypoCorrector.closest(to: "latncy", edits: 2, in: vocabulary) == "latenc")
        #expect(TypoCorrector.closest(to: "fastest", edits: 1, in: vocabulary) == nil)
        // The first letter is never the typo: it keeps each search to one slice of the vocabulary.
        #expect(TypoCorrector.closest(to: "xatabas", edits: 1, in: vocabulary) == nil)
        let tie = Vocabulary([("cart", 2), ("card", 7)])
        #expect(TypoCorrector.closest(to: "carx", edits: 1, in: tie) == "card")
    }

    @Test func numbersIdentifiersAndNamesInCodeAreNeverCorrected() {
        #expect(TypoCorrector.isCorrectable("databse", in: "which is fastest with a databse?"))
        #expect(!TypoCorrector.isCorrectable("maxsize", in: "the default pool_maxsize of a Session"))
        #expect(!TypoCorrector.isCorrectable("pool", in: "the default pool_maxsize of a Session"))
        #expect(!TypoCorrector.isCorrectable("cpu", in: "does os.cpu_count() count CPUs"))
        #expect(!TypoCorrector.isCorrectable("getvalue", in: "what does getValue return"))
        #expect(!TypoCorrector.isCorrectable("12345", in: "error 12345"))
        #expect(TypoCorrector.isCorrectable("requests", in: "How many requests. Then?"))
        // A word quoted on its own is the asker's literal: a misspelt column name stays misspelt.
        #expect(!TypoCorrector.isCorrectable("stauts", in: #"WHERE "stauts" = 'open' returns nothing"#))
        #expect(!TypoCorrector.isCorrectable("stauts", in: "the column `stauts` is missing"))
        #expect(TypoCorrector.isCorrectable("stauts", in: #"what does "the stauts code" mean"#))
    }

    /// A corrected question is analysed as if it had said the right word: "fastst" becomes the
    /// superlative "fastest", read as a speed question, while `text` stays what was asked.
    @Test func theQuestionIsReadWithTheCorrectedWords() {
        let asked = "which is fastst with a databse?"
        let q = QueryAnalyzer.analyze(asked, readingAs: [Correction(word: "fastst", readAs: "fastest"),
                                                        Correction(word: "databse", readAs: "database")])
        #expect(q.text == asked)
        #expect(q.correctedText == "which is fastest with a database?")
        #expect(q == QueryAnalyzer.analyze("which is fastest with a database?").withText(asked, corrections: q.corrections))
        #expect(QueryAnalyzer.analyze(asked).correctedText == nil)
    }
}

extension AnalyzedQuery {
    func withText(_ text: String, corrections: [Correction]) -> AnalyzedQuery {
        var q = self
        q.text = text
        q.corrections = corrections
        return q
    }
}
