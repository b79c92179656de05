// Ranking and answering as pure functions over hand-made candidates: no SQLite involved.

import Testing
@testable import AskDocsCore

@Suite struct RankingAndAnsweringTests {
    static func candidate(_ id: Int64, _ heading: String, _ text: String, kind: BlockKind = .prose) -> Candidate {
        Candidate(chunkID: id, source: "post.txt", title: "Flask vs Django vs FastAPI", headingPath: [heading],
                  anchor: TextAnchor.slug(heading), kind: kind, text: text, indexScore: 1)
    }

    static let candidates = [
        candidate(1, "Community, Ecosystem, and Job Market",
                  "FastAPI's community is the fastest growing by far. Hiring for all three frameworks is strong."),
        candidate(2, "Real-World Benchmark With Database Calls",
                  "Synthetic Hello World benchmarks can mislead you. In realistic tests with actual database queries, "
                  + "FastAPI handles around 440 requests per second at 11ms latency, while Flask handles 344 req/sec "
                  + "at 14ms latency. The gap closes significantly when real I/O is introduced."),
        candidate(3, "Database and ORM Support Compared",
                  "Django ships with its own powerful ORM. It supports PostgreSQL, MySQL, SQLite, and Oracle."),
    ]

    static func statistics(for query: AnalyzedQuery) -> CorpusStatistics {
        // Document frequencies as the three candidates give them.
        var df: [String: Int] = [:]
        for stem in Set(query.concepts.flatMap { $0.terms.flatMap(\.stems) }) {
            df[stem] = candidates.filter { Set(Stemmer.stems($0.text + " " + $0.headingPath.joined())).contains(stem) }.count
        }
        return CorpusStatistics(chunkCount: 20, averageChunkTokens: 40, documentFrequency: df)
    }

    @Test func superlativeQuestionFindsTheFiguresNotTheWordFastest() {
        let q = QueryAnalyzer.analyze("which is fastest with a database?")
        let stats = Self.statistics(for: q)
        let ranked = PassageRanker.rank(Self.candidates, for: q, statistics: stats)
        #expect(ranked.first?.candidate.chunkID == 2)
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(!answer.abstained)
        #expect(answer.text.contains("440"))
        #expect(answer.citations.first?.section == "Real-World Benchmark With Database Calls")
        #expect(answer.text.count <= 500)
    }

    @Test func abstainsWhenTheKeyTermIsNowhere() {
        let q = QueryAnalyzer.analyze("How do I deploy FastAPI on Kubernetes?")
        let stats = Self.statistics(for: q)
        let ranked = PassageRanker.rank(Self.candidates, for: q, statistics: stats)
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(answer.abstained)
        #expect(answer.citations.isEmpty)
    }

    @Test func nothingToRankGivesAnAbstention() {
        let q = QueryAnalyzer.analyze("what is it?")
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: [],
                                            statistics: CorpusStatistics(chunkCount: 0, averageChunkTokens: 1,
                                                                         documentFrequency: [:]))
        #expect(answer.abstained)
    }

    @Test func tableRowIsQuotedWhole() {
        let table = Self.candidate(9, "Quick Comparison Table", "Built-in Admin — Flask: No; Django: Yes; FastAPI: No\n"
                                   + "Auto Docs — Flask: No; Django: No; FastAPI: Yes (Swagger + ReDoc)", kind: .tableRow)
        let q = QueryAnalyzer.analyze("which has a built-in admin?")
        let stats = CorpusStatistics(chunkCount: 20, averageChunkTokens: 40,
                                     documentFrequency: ["built": 1, "admin": 1, "in": 5])
        let ranked = PassageRanker.rank([table] + Self.candidates, for: q, statistics: stats)
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(answer.text == "Django (Built-in Admin: Yes; Flask: No; FastAPI: No)")
        #expect(answer.citations.first?.section == "Quick Comparison Table")
    }

    @Test func tableRowsReadBack() {
        let row = TableRowAnswer("Auto Docs — Flask: No; Django: No; FastAPI: Yes (Swagger + ReDoc)")
        #expect(row?.label == "Auto Docs")
        #expect(row?.yesAnswer == "FastAPI (Auto Docs: Yes (Swagger + ReDoc); Flask: No; Django: No)")
        // Not a yes/no row, or everyone says yes: no column is singled out.
        #expect(TableRowAnswer("Released — Flask: 2010; Django: 2005; FastAPI: 2018")?.yesAnswer == nil)
        #expect(TableRowAnswer("Open Source — Flask: Yes; Django: Yes")?.yesAnswer == nil)
        #expect(TableRowAnswer("Async — Flask: Yes; Django: Yes; FastAPI: No")?.yesAnswer
                == "Flask and Django (Async: Yes; FastAPI: No)")
        #expect(TableRowAnswer("plain sentence without cells") == nil)
    }
}

@Suite struct SubjectTests {
    @Test func parallelHeadingsMakeSiblings() {
        let alternatives = SiblingHeadings.alternatives(inDocumentHeadings: [[
            "What Is Flask? The Minimalist Microframework", "What Is Django? The Batteries-Included Giant",
            "Companies Using FastAPI in Production", "Companies Using Flask in Production",
            "Chapter 1", "Chapter 2", "Performance Benchmarks: The Real Speed Test",
        ]])
        #expect(alternatives["flask"] == ["django", "fastapi"])
        #expect(alternatives["django"] == ["flask"])
        #expect(alternatives["1"] == nil && alternatives["chapter"] == nil)
        #expect(alternatives["perform"] == nil)
    }

    @Test func headingsOfDifferentDocumentsAreNotParallel() {
        let alternatives = SiblingHeadings.alternatives(inDocumentHeadings: [["What Is Flask?"], ["What Is Django?"]])
        #expect(alternatives.isEmpty)
    }

    @Test func pronounsFollowThePreviousSentenceThenTheSection() {
        var tracker = SubjectTracker(askedWords: ["flask"], names: ["flask"], siblings: ["django"],
                                     heading: StemmedText("Database and ORM Support Compared"),
                                     headingStatesQuestion: false)
        #expect(tracker.next(StemmedText("Django ships with its own ORM.")) == .sibling)
        #expect(tracker.next(StemmedText("It supports PostgreSQL out of the box.")) == .sibling)
        #expect(tracker.next(StemmedText("Flask has no built-in ORM.")) == .asked)
        #expect(tracker.next(StemmedText("It leaves the choice to you.")) == .askedByPronoun)
        #expect(tracker.next(nil) == .neutral)
        #expect(tracker.next(StemmedText("It is a code block's neighbour.")) == .neutral)

        var inSiblingSection = SubjectTracker(askedWords: ["flask"], names: ["flask"], siblings: ["django"],
                                              heading: StemmedText("What Is Django?"), headingStatesQuestion: true)
        #expect(inSiblingSection.next(StemmedText("Its philosophy is batteries included.")) == .sibling)
        #expect(!inSiblingSection.sectionNamesAsked)
    }

    /// "Django takes the opposite approach of Flask by giving you everything out of the box" mentions every
    /// word of the question but is about Django.
    @Test func aSentenceAboutASiblingDoesNotAnswerForTheAskedName() {
        func candidate(_ id: Int64, _ heading: String, _ text: String) -> Candidate {
            Candidate(chunkID: id, source: "post.txt", title: "Flask vs Django", headingPath: [heading],
                      anchor: nil, kind: .prose, text: text, indexScore: 1)
        }
        let passages = [
            candidate(1, "What Is Django? The Batteries-Included Giant",
                      "Django takes the opposite approach of Flask by giving you everything out of the box."),
            candidate(2, "What Is Flask? The Minimalist Microframework",
                      "Flask was released in 2010. It ships with a router and a templating engine (Jinja2)."),
        ]
        let q = QueryAnalyzer.analyze("what does flask give you out of the box?")
        var df: [String: Int] = [:]
        for stem in Set(q.concepts.flatMap { $0.terms.flatMap(\.stems) }) {
            df[stem] = passages.filter { Set(Stemmer.stems($0.text + " " + $0.title)).contains(stem) }.count
        }
        let stats = CorpusStatistics(chunkCount: 2, averageChunkTokens: 15, documentFrequency: df,
                                     titleFrequency: ["flask": 2, "django": 2], headingFrequency: ["flask": 1, "django": 1])
        let ranked = passages.enumerated().map { i, c in
            RankedPassage(candidate: c, score: 1 - 0.1 * Double(i), features: [:], matchedConcepts: [])
        }
        let alternatives = SiblingHeadings.alternatives(inDocumentHeadings: [passages.map { $0.headingPath[0] }])
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats,
                                            alternatives: alternatives)
        #expect(answer.text.contains("Jinja2"), "answered: \(answer.text)")
        let blind = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(blind.text.hasPrefix("Django"), "without siblings the mention wins: \(blind.text)")
    }
}

enum TextAnchor {
    static func slug(_ s: String) -> String {
        s.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: "-")
    }
}

@Suite struct FollowUpTests {
    static let siblings: [String: Set<String>] = ["flask": ["django", "fastapi"], "django": ["flask", "fastapi"],
                                                  "fastapi": ["flask", "django"]]

    /// What a follow-up that adds words is read as: the earlier question, then its words said twice, so
    /// that what is asked now outweighs what the conversation carries over.
    static func asked(_ previous: String, adding words: String) -> String { previous + " " + words + " " + words }

    @Test func aSiblingTakesTheNamesPlace() {
        #expect(FollowUpResolver.resolve("and Django?", previous: "what does flask give you out of the box?",
                                         alternatives: Self.siblings) == "what does Django give you out of the box?")
        #expect(FollowUpResolver.resolve("what about FastAPI", previous: "How many companies use Flask?",
                                         alternatives: Self.siblings) == "How many companies use FastAPI?")
    }

    @Test func otherFollowUpsAddTheirWords() {
        #expect(FollowUpResolver.resolve("what about with a database?", previous: "which is fastest?")
                == Self.asked("which is fastest?", adding: "with a database"))
        #expect(FollowUpResolver.resolve("is it async?", previous: "what ORM does Django ship?")
                == Self.asked("what ORM does Django ship?", adding: "is async"))
    }

    /// "and without a database?" takes the condition away instead of asking for it again.
    @Test func aNegatedConditionIsTakenOutOfThePreviousQuestion() {
        for followUp in ["and without a database?", "and with no database?", "what about no database",
                         "and without databases?", "and not using a database?"] {
            #expect(FollowUpResolver.resolve(followUp, previous: "which is fastest with a database?")
                    == "which is fastest?", "\(followUp)")
        }
        #expect(FollowUpResolver.resolve("and without docker?", previous: "How do I deploy Flask behind nginx with Docker")
                == "How do I deploy Flask behind nginx")
        #expect(FollowUpResolver.resolve("and without TLS?", previous: "how do I configure replication over TLS?")
                == "how do I configure replication?")
        // Only the condition's own run of words goes, not what lies between two mentions.
        #expect(FollowUpResolver.resolve("and without a database?", previous: "which database is fastest with a database")
                == "which database is fastest")
        // Nothing of the previous question is negated: the follow-up's words are added as before.
        #expect(FollowUpResolver.resolve("and without a cache?", previous: "which is fastest?")
                == Self.asked("which is fastest?", adding: "without a cache"))
        // Taking the condition away must leave a question.
        #expect(FollowUpResolver.resolve("and without a database?", previous: "database?")
                == Self.asked("database?", adding: "without a database"))
    }

    /// A follow-up of a follow-up leans on what the previous one stood for, not on its words as typed.
    @Test func aChainOfFollowUpsIsReadTurnByTurn() {
        var searched: [String] = []
        func alternatives(_ question: String) -> [String: Set<String>] {
            searched.append(question)
            return Self.siblings
        }
        #expect(FollowUpResolver.resolve("what about django's numbers?",
                                         earlier: ["which is fastest with a database?", "and without a database?"],
                                         alternatives: alternatives) == Self.asked("which is fastest?", adding: "django s numbers"))
        #expect(searched == ["which is fastest with a database?", "which is fastest?"])
        #expect(FollowUpResolver.resolve("what about fastapi?",
                                         earlier: ["what does flask give you out of the box?", "and django?"],
                                         alternatives: alternatives) == "what does fastapi give you out of the box?")
        // A question of its own ends the chain, and nothing is searched for it.
        searched = []
        #expect(FollowUpResolver.resolve("which framework has the best admin?", earlier: ["which is fastest?"],
                                         alternatives: alternatives) == "which framework has the best admin?")
        #expect(searched.isEmpty)
        // Only so many turns back: past them a follow-up is read on its own words.
        #expect(FollowUpResolver.resolve("and django?", earlier: ["how do I use flask?", "and with docker?"], depth: 1,
                                         alternatives: alternatives) == Self.asked("and with docker?", adding: "django"))
    }

    /// A follow-up that adds words replaces what the previous follow-up added: each asks about another
    /// side of the first question, not about all of them at once.
    @Test func aFollowUpAddsToTheQuestionItFollowsUpOn() {
        let json = "How do I turn a dict into a JSON string in Python?"
        let keys = FollowUpResolver.resolve("and have the keys come out in alphabetical order?",
                                            earlier: [json, "and make it readable with indentation?"]) { _ in [:] }
        #expect(keys == Self.asked(json, adding: "have the keys come out in alphabetical order"))
        // A name swapped in, or a condition taken away, is a whole question, which the next one builds on.
        let swapped = FollowUpResolver.resolve("what about with docker?",
                                               earlier: ["what does flask give you out of the box?", "and django?"]) { _ in Self.siblings }
        #expect(swapped == Self.asked("what does django give you out of the box?", adding: "with docker"))
    }

    /// A longer question leans on the previous one when it refers back to something it does not name.
    @Test func aQuestionThatRefersBackIsAFollowUp() {
        for followUp in ["does it hand the freed space back to the OS?", "can I do that inside a BEGIN/COMMIT block?",
                         "is there a cap on how long this wait gets?", "can I change them on running workers?",
                         "and how do I get rid of one afterwards?"] {
            #expect(FollowUpResolver.remainder(ofFollowUp: followUp) != nil, "\(followUp)")
        }
        for standalone in ["Is it possible to run two servers on one machine?", "how do I find files that match a pattern?",
                           "which one has a built-in admin?", "and which one is fastest?"] {
            #expect(FollowUpResolver.remainder(ofFollowUp: standalone) == nil, "\(standalone)")
        }
        #expect(FollowUpResolver.resolve("does it hand the freed space back to the OS?", previous: "What does VACUUM FULL do?")
                == Self.asked("What does VACUUM FULL do?", adding: "does hand the freed space back to the os"))
    }

    /// A name is swapped for its sibling only when the follow-up is little more than the name: in a clause
    /// of its own, "results" is not swapped in for "tasks".
    @Test func onlyAShortFollowUpSwapsANameForItsSibling() {
        let siblings: [String: Set<String>] = ["result": ["task"], "task": ["result"]]
        #expect(FollowUpResolver.resolve("and get all of their results back?", previous: "How do I run several tasks in parallel?",
                                         alternatives: siblings)
                == Self.asked("How do I run several tasks in parallel?", adding: "get all of results back"))
        #expect(FollowUpResolver.resolve("and results?", previous: "How do I run several tasks in parallel?",
                                         alternatives: siblings) == "How do I run several results in parallel?")
    }

    @Test func standaloneQuestionsAreLeftAlone() {
        #expect(FollowUpResolver.resolve("which framework has the best admin?", previous: "which is fastest?")
                == "which framework has the best admin?")
        #expect(FollowUpResolver.resolve("and Django?", previous: nil) == "and Django?")
        #expect(FollowUpResolver.remainder(ofFollowUp: "Android apps with Kotlin") == nil)
    }

    /// A lead word before a question of its own ("and which one…", "and when is…") does not glue it to
    /// the previous question; a question that points back with a pronoun still leans on it.
    @Test func aLeadBeforeAWholeQuestionIsDropped() {
        #expect(FollowUpResolver.resolve("and which one has a built-in admin?", previous: "which is fastest with a database?")
                == "which one has a built-in admin?")
        #expect(FollowUpResolver.resolve("and when is fastapi the better choice", previous: "when should I use flask?")
                == "when is fastapi the better choice")
        #expect(FollowUpResolver.resolve("and what does it cost?", previous: "which plan has backups?")
                == Self.asked("which plan has backups?", adding: "what does cost"))
        #expect(FollowUpResolver.resolve("what about flask?", previous: "does django have an ORM?")
                .lowercased().contains("flask"))
    }

    @Test func siblingSectionsGiveWayToTheAskedName() {
        func passage(_ id: Int64, _ heading: String, _ score: Double) -> RankedPassage {
            RankedPassage(candidate: Candidate(chunkID: id, source: "p.txt", title: "T", headingPath: [heading],
                                               anchor: nil, kind: .prose, text: "x", indexScore: 1),
                          score: score, features: [:], matchedConcepts: [])
        }
        let q = QueryAnalyzer.analyze("companies using django")
        let ranked = [passage(1, "Companies Using Flask in Production", 1.4),
                      passage(2, "Companies Using Django in Production", 1.2),
                      passage(3, "Database Support", 0.9)]
        let out = PassageRanker.preferAskedNames(ranked, query: q, alternatives: Self.siblings)
        #expect(out.map(\.candidate.chunkID) == [2, 1, 3])
        #expect(PassageRanker.preferAskedNames(ranked, query: q, alternatives: [:]).map(\.candidate.chunkID) == [1, 2, 3])
    }
}

@Suite struct AnswerSpanTests {
    static func answer(_ question: String, _ text: String, kind: BlockKind = .prose) -> Answer {
        let q = QueryAnalyzer.analyze(question)
        let cand = Candidate(chunkID: 1, source: "secrets.html", title: "secrets", headingPath: ["How many bytes should tokens use?"],
                             anchor: nil, kind: kind, text: text, indexScore: 1)
        var df: [String: Int] = [:]
        for stem in Set(q.concepts.flatMap { $0.terms.flatMap(\.stems) }) { df[stem] = 1 }
        let stats = CorpusStatistics(chunkCount: 50, averageChunkTokens: 40, documentFrequency: df)
        let ranked = PassageRanker.rank([cand], for: q, statistics: stats)
        return AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
    }

    /// A short first sentence reads on into the next one of its paragraph, where the detail usually is,
    /// and never into the next paragraph.
    @Test func shortSentencesReadOnWithinTheirParagraph() {
        let a = Self.answer("How many bytes of randomness should a token have against brute-force attacks?",
                            "To be secure against brute-force attacks, tokens need to have sufficient randomness. "
                            + "As of 2015, it is believed that 32 bytes (256 bits) of randomness is sufficient.\n\n"
                            + "The secrets module provides functions for generating tokens.")
        #expect(a.text.contains("32 bytes"), "\(a.text)")
        #expect(!a.text.contains("secrets module"))
    }

    /// A short quote reads back one sentence into its paragraph, where its reason often is; a long one, or
    /// one opening its paragraph, does not.
    @Test func aShortQuoteReadsBackIntoItsParagraph() {
        let reason = "The event loop only keeps weak references to tasks."
        let a = Self.answer("Why do my fire-and-forget tasks sometimes vanish before they finish?",
                            "Wrap a coroutine to schedule it soon.\n\n" + reason + " A fire-and-forget task that "
                            + "isn't referenced elsewhere may vanish at any time, even before it finishes.")
        #expect(a.text.hasPrefix(reason), "\(a.text)")
        #expect(!a.text.contains("Wrap a coroutine"))
        let opening = Self.answer("Why do my fire-and-forget tasks sometimes vanish before they finish?",
                                  "Wrap a coroutine to schedule it soon.\n\nA fire-and-forget task that isn't "
                                  + "referenced elsewhere may vanish at any time, even before it finishes.")
        #expect(opening.text.hasPrefix("A fire-and-forget task"), "\(opening.text)")
        let long = String(repeating: "and a task that finishes early frees its memory for the other tasks, ", count: 4) + "too."
        let full = Self.answer("Why do my fire-and-forget tasks sometimes vanish before they finish?",
                               reason + " A fire-and-forget task that isn't referenced elsewhere may vanish at any "
                               + "time, even before it finishes, " + long)
        #expect(!full.text.hasPrefix(reason), "\(full.text)")
    }

    /// Code answers "how do I"; for a "why" question an explanation beats a code block full of the words.
    @Test func codeIsNotTheAnswerToAWhyQuestion() {
        let q = QueryAnalyzer.analyze("why use a deque instead of a list for popping the first element?")
        let prose = Candidate(chunkID: 1, source: "c.html", title: "collections", headingPath: ["deque objects"], anchor: nil,
                              kind: .prose, text: "Deques support appends and pops from either side in roughly O(1) time, "
                              + "while lists pay O(n) to pop the first element.", indexScore: 1)
        let code = Candidate(chunkID: 2, source: "c.html", title: "collections", headingPath: ["deque objects"], anchor: nil,
                             kind: .code, text: ">>> d = deque('ghi')\n>>> d.popleft()  # pop the first element instead of a list\n'g'",
                             indexScore: 1)
        var df: [String: Int] = [:]
        for stem in Set(q.concepts.flatMap { $0.terms.flatMap(\.stems) }) { df[stem] = 2 }
        let stats = CorpusStatistics(chunkCount: 50, averageChunkTokens: 30, documentFrequency: df)
        let ranked = PassageRanker.rank([code, prose], for: q, statistics: stats)
        let a = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(a.text.contains("O(1)"), "\(a.text)")
    }
}

/// API references are lists of entries (a signature, then its description): an answer from a description
/// is about the entry and is shown under its signature.
@Suite struct DefinitionEntryTests {
    static func stats(for q: AnalyzedQuery, chunks: Int = 50) -> CorpusStatistics {
        var df: [String: Int] = [:]
        for stem in Set(q.concepts.flatMap { $0.terms.flatMap(\.stems) }) { df[stem] = 2 }
        return CorpusStatistics(chunkCount: chunks, averageChunkTokens: 30, documentFrequency: df)
    }

    /// The answer to `q` from `candidates`, ranked, over statistics in which every asked word is rare.
    static func answer(_ q: AnalyzedQuery, from candidates: [Candidate], followingChunks: [Int64: Candidate] = [:]) -> Answer {
        let stats = stats(for: q)
        let ranked = PassageRanker.rank(candidates, for: q, statistics: stats)
        return AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats,
                                      followingChunks: followingChunks)
    }

    /// "New in version 3.10." says nothing of pairwise by itself; inside pairwise's entry it answers
    /// "since which version", and a sentence that names pairwise without a version does not.
    @Test func aVersionNoteAnswersForItsEntry() {
        let q = QueryAnalyzer.analyze("Since which Python version is itertools.pairwise available?")
        #expect(q.answerType == .time)
        let recipes = Candidate(chunkID: 1, source: "itertools.html", title: "itertools", headingPath: ["Itertools Recipes"],
                                anchor: nil, kind: .prose,
                                text: "The accumulate(), compress(), and pairwise() itertools started out as recipes.", indexScore: 1.2)
        let note = Candidate(chunkID: 2, source: "itertools.html", title: "itertools", headingPath: ["Itertool functions"],
                             anchor: nil, kind: .prose, text: "itertools.pairwise(iterable)\n\nNew in version 3.10.",
                             indexScore: 1, entry: "itertools.pairwise(iterable)")
        let stats = Self.stats(for: q)
        let ranked = PassageRanker.rank([recipes, note], for: q, statistics: stats)
        let a = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(a.text == "itertools.pairwise(iterable) — New in version 3.10.")
        #expect(a.citations.first?.section == "Itertool functions")
    }

    /// "The difference between A and B" where each has an entry: each entry's description, under its
    /// signature, one after the other, even when a code example holds both names more often.
    @Test func aComparisonOfTwoEntriesQuotesEach() {
        let q = QueryAnalyzer.analyze("What's the difference between random.choices and random.sample?")
        #expect(q.comparedEntities == [Stemmer.stem("choices"), Stemmer.stem("sample")])
        func entry(_ id: Int64, _ signature: String, _ description: String) -> Candidate {
            Candidate(chunkID: id, source: "random.html", title: "random", headingPath: ["Functions for sequences"],
                      anchor: "functions-for-sequences", kind: .prose, text: signature + "\n\n" + description,
                      indexScore: 1, entry: signature)
        }
        let code = Candidate(chunkID: 1, source: "random.html", title: "random", headingPath: ["Recipes"], anchor: nil,
                             kind: .code, text: "random.choices(pool, k=2)\nrandom.sample(pool, 2)\nrandom.sample(pool, 3)",
                             indexScore: 2)
        let choice = entry(10, "random.choice(seq)", "Return a random element from the non-empty sequence seq.")
        let choices = entry(11, "random.choices(population, weights=None, *, cum_weights=None, k=1)",
                            "Return a k sized list of elements chosen from the population with replacement.")
        let later = entry(12, "random.choices(population, weights=None, *, cum_weights=None, k=1)",
                          "New in version 3.6.\n\nFor a given seed, choices() differs from repeated choice().")
        let sample = entry(13, "random.sample(population, k, *, counts=None)",
                           "Return a k length list of unique elements chosen from the population sequence. "
                           + "Used for random sampling without replacement.")
        let stats = Self.stats(for: q)
        let ranked = PassageRanker.rank([code, choice, later, choices, sample], for: q, statistics: stats)
        let a = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(a.text == "random.choices(population, weights=None, *, cum_weights=None, k=1) — Return a k sized list "
                + "of elements chosen from the population with replacement. random.sample(population, k, *, counts=None) — "
                + "Return a k length list of unique elements chosen from the population sequence. Used for random "
                + "sampling without replacement.")
        #expect(a.citations.map(\.section) == ["Functions for sequences"])
    }

    @Test func comparedNamesSkipTheWordBothShare() {
        #expect(QueryAnalyzer.analyze("flask or fastapi for an api?").comparedEntities == ["flask", "fastapi"])
        #expect(QueryAnalyzer.analyze("os.path.join or pathlib.Path.joinpath").comparedEntities.count == 2)
        #expect(QueryAnalyzer.analyze("the difference between a naive and an aware datetime").comparedEntities
                == [Stemmer.stem("naive"), Stemmer.stem("aware")])
        #expect(QueryAnalyzer.analyze("json.dumps or json.loads").comparedEntities == [Stemmer.stem("dumps"), Stemmer.stem("loads")])
    }

    @Test func aLongSignatureGivesWayToItsName() {
        let long = "json.dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, indent=None)"
        #expect(AnswerComposer.underEntry("Serialize obj to a JSON formatted str.", entry: long, limit: 500)
                == "json.dumps() — Serialize obj to a JSON formatted str.")
        #expect(AnswerComposer.underEntry("Serialize obj.", entry: "json.dumps(obj)", limit: 500) == "json.dumps(obj) — Serialize obj.")
        #expect(AnswerComposer.underEntry("BDFL Benevolent Dictator For Life.", entry: "BDFL", limit: 500)
                == "BDFL — Benevolent Dictator For Life.")
        #expect(AnswerComposer.entryName("class profile.Profile(timer=None, timeunit=0.0)") == "profile.Profile")
    }

    /// A question that tells a story around what it asks needs less of its words covered to be answered.
    @Test func longQuestionsNeedLessCoverage() {
        let p = AnswerParameters.default
        #expect(p.abstainThreshold(concepts: 3) == p.abstainBelow)
        #expect(p.abstainThreshold(concepts: 6) == p.abstainBelow)
        #expect(p.abstainThreshold(concepts: 12) < p.abstainBelow * 0.75)
        #expect(p.abstainThreshold(concepts: 24) == p.abstainBelow * 0.5)
    }

    /// A word of the question that no chunk holds tells the corpus cannot answer, when the absence tells:
    /// a name, or any word in a corpus large enough to hold all ordinary English.
    @Test func unknownWordsThatTell() {
        /// Statistics in which every word of the question but `missing` is in 3 chunks of `chunks`.
        func statistics(_ q: AnalyzedQuery, missing: Set<String>, chunks: Int) -> CorpusStatistics {
            var df: [String: Int] = [:]
            for c in q.concepts where !missing.contains(c.label) { for t in c.terms { for s in t.stems { df[s] = 3 } } }
            return CorpusStatistics(chunkCount: chunks, averageChunkTokens: 30, documentFrequency: df)
        }
        let jit = QueryAnalyzer.analyze("How do I turn on CPython's experimental JIT compiler?")
        #expect(AnswerComposer.unknownWords(query: jit, statistics: statistics(jit, missing: ["jit"], chunks: 60)) == ["jit"])
        let suits = QueryAnalyzer.analyze("Which framework suits a webhook handler?")
        #expect(AnswerComposer.unknownWords(query: suits, statistics: statistics(suits, missing: ["suits"], chunks: 60)).isEmpty)
        #expect(AnswerComposer.unknownWords(query: suits, statistics: statistics(suits, missing: ["suits"], chunks: 20_000))
                == ["suits"])
        // The asker's English ("halfway", "suddenly") is no name, however large the corpus.
        let halfway = QueryAnalyzer.analyze("My transaction gets SQLITE_BUSY halfway through. Why?")
        #expect(AnswerComposer.unknownWords(query: halfway, statistics: statistics(halfway, missing: ["halfway"],
                                                                                    chunks: 20_000)).isEmpty)
        // With a dictionary, its word decides: "heard" is English, and the suffixes no longer have to.
        var heard = QueryAnalyzer.analyze("I heard reflog entries expire. When?")
        #expect(AnswerComposer.unknownWords(query: heard, statistics: statistics(heard, missing: ["heard"],
                                                                                  chunks: 20_000)) == ["heard"])
        heard.englishWords = ["heard"]
        #expect(AnswerComposer.unknownWords(query: heard, statistics: statistics(heard, missing: ["heard"],
                                                                                  chunks: 20_000)).isEmpty)
        // …in the story around the question; in the sentence that asks, an English word may name the tool
        // asked about, and only a suffix says it is English.
        var twine = QueryAnalyzer.analyze("I built a wheel. How do I upload it to PyPI with twine?")
        twine.englishWords = ["twine"]
        #expect(AnswerComposer.unknownWords(query: twine, statistics: statistics(twine, missing: ["twine"],
                                                                                  chunks: 20_000)) == ["twine"])
        let etcd = QueryAnalyzer.analyze("how do I run it with etcd?")
        #expect(AnswerComposer.unknownWords(query: etcd, statistics: statistics(etcd, missing: ["etcd"], chunks: 20_000))
                == ["etcd"])
        let numbers = QueryAnalyzer.analyze("which code gives the day of the year from 001 to 366?")
        #expect(AnswerComposer.unknownWords(query: numbers, statistics: statistics(numbers, missing: ["001", "366"],
                                                                                    chunks: 20_000)).isEmpty)
        let stats = Self.stats(for: jit)
        var withoutJIT = stats
        withoutJIT.documentFrequency["jit"] = nil
        let cand = Candidate(chunkID: 1, source: "py_compile.html", title: "py_compile", headingPath: ["py_compile"],
                             anchor: nil, kind: .prose, text: "Turn on the compiler to write byte-code for CPython.", indexScore: 1)
        let ranked = PassageRanker.rank([cand], for: jit, statistics: withoutJIT)
        #expect(AnswerComposer.compose(question: jit.text, query: jit, passages: ranked, statistics: withoutJIT).abstained)
        #expect(!AnswerComposer.compose(question: jit.text, query: jit, passages: ranked, statistics: stats).abstained)
    }

    /// What the question writes as code is matched character for character, and only as a whole word.
    @Test func codeLiteralsOfTheQuestion() {
        #expect(QueryAnalyzer.codeLiterals(in: "Does a functools.partial object get a __name__ and __doc__?")
                == ["functools.partial", "__name__", "__doc__"])
        #expect(QueryAnalyzer.codeLiterals(in: "Is shell=True risky? Use json.dumps().") == ["shell=true", "json.dumps"])
        #expect(AnswerComposer.containsWord("functools.partial", in: "see functools.partial() for more"))
        #expect(!AnswerComposer.containsWord("functools.partial", in: "functools.partialmethod is a descriptor"))
        #expect(AnswerComposer.containsWord("__name__", in: "the __name__ attribute"))
        #expect(AnswerComposer.literalBonus(["__name__", "__doc__"], in: "the __name__ and __doc__ attributes", entry: nil) > 0)
        #expect(AnswerComposer.literalBonus(["asyncio.taskgroup"], in: "New in version 3.11.",
                                            entry: "class asyncio.TaskGroup") > 0)
        #expect(AnswerComposer.literalBonus(["__name__"], in: "the name attribute", entry: nil) == 0)
        // Under the entry it names, a sentence is about the code; one that mentions it, less so.
        #expect(AnswerComposer.literalBonus(["work_mem"], in: "The default value is four megabytes.", entry: "work_mem (integer)")
                > AnswerComposer.literalBonus(["work_mem"], in: "Twice the usual work_mem.", entry: "hash_mem_multiplier (floating point)"))
    }

    /// "This method is invoked by…" right after the quoted sentence says how: the answer reads on into it.
    @Test func aSentenceOpeningOnThisIsReadOn() {
        let q = QueryAnalyzer.analyze("How do I build an index without locking out writes?")
        let cand = Candidate(chunkID: 1, source: "sql-createindex.html", title: "CREATE INDEX",
                             headingPath: ["Building Indexes Concurrently"], anchor: nil, kind: .prose,
                             text: "Creating an index can interfere with regular operation of a database. "
                                 + "PostgreSQL supports building indexes without locking out writes, which matters on a "
                                 + "large table in production where a normal build would block every insert, update and "
                                 + "delete for as long as it runs, and that can be minutes or hours for a table of a few "
                                 + "hundred million rows. "
                                 + "This method is invoked by specifying the CONCURRENTLY option of CREATE INDEX. "
                                 + "\n\nOther options are listed below.",
                             indexScore: 1)
        let answer = Self.answer(q, from: [cand])
        // The first sentence is too long for the short-answer rule to read on: only the opener does.
        #expect(answer.text.contains("hundred million rows. This method is invoked by specifying the CONCURRENTLY"))
        #expect(!answer.text.contains("Other options"))
    }

    /// A word read as another ("twine" as "twice") is only trusted when the evidence says the correction.
    @Test func aCorrectionTheEvidenceDoesNotSayAbstains() {
        let q = QueryAnalyzer.analyze("How do I upload a package with twine?",
                                      readingAs: [Correction(word: "twine", readAs: "twice")])
        let stats = Self.stats(for: q)
        let cand = Candidate(chunkID: 1, source: "cgi.html", title: "cgi", headingPath: ["Functions"], anchor: nil,
                             kind: .prose, text: "How to upload a package: pass the files to the handler.", indexScore: 1)
        let ranked = PassageRanker.rank([cand], for: q, statistics: stats)
        #expect(AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats).abstained)
        let saying = Candidate(chunkID: 2, source: "cgi.html", title: "cgi", headingPath: ["Functions"], anchor: nil,
                               kind: .prose, text: "Upload a package twice to replace it.", indexScore: 1)
        let both = PassageRanker.rank([saying], for: q, statistics: stats)
        #expect(!AnswerComposer.compose(question: q.text, query: q, passages: both, statistics: stats).abstained)
    }

    /// A misspelt word of the corpus' subject ("celry" put to Celery's docs, in most chunks) needs no
    /// passage to say it: the corpus does. The same correction to a rare word still needs its evidence.
    @Test func aCorrectionToTheCorpusSubjectNeedsNoPassageToSayIt() {
        let q = QueryAnalyzer.analyze("how do i purge every pending task so the celry workers stop?",
                                      readingAs: [Correction(word: "celry", readAs: "celery")])
        let cand = Candidate(chunkID: 1, source: "faq.html", title: "FAQ", headingPath: ["Purging"], anchor: nil,
                             kind: .prose, text: "To purge every pending task from the queue, use the purge command.",
                             indexScore: 1)
        var subject = Self.stats(for: q, chunks: 50)
        subject.documentFrequency["celeri"] = 40
        subject.documentFrequency[Stemmer.stem("celery")] = 40
        let ranked = PassageRanker.rank([cand], for: q, statistics: subject)
        #expect(!AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: subject).abstained)
        let rare = Self.stats(for: q, chunks: 50)
        let rankedRare = PassageRanker.rank([cand], for: q, statistics: rare)
        #expect(AnswerComposer.compose(question: q.text, query: q, passages: rankedRare, statistics: rare).abstained)
    }

    /// "This is also known as UPSERT" holds the rare word, the sentence before it the answer: the two are
    /// scored as one statement, and the answer opens on the sentence "this" stands for.
    @Test func aSentenceOpeningOnThisBringsTheOneBefore() {
        let q = QueryAnalyzer.analyze("How do I insert a row or update the existing one (an upsert)?")
        let cand = Candidate(chunkID: 1, source: "sql-insert.html", title: "INSERT", headingPath: ["ON CONFLICT Clause"],
                             anchor: nil, kind: .prose,
                             text: "The optional ON CONFLICT clause specifies an alternative action to raising an error. "
                                 + "ON CONFLICT DO UPDATE updates the existing row that conflicts with the row proposed "
                                 + "for insertion as its alternative action. This is also known as UPSERT.",
                             indexScore: 1)
        var stats = Self.stats(for: q)
        stats.documentFrequency["upsert"] = 1
        let ranked = PassageRanker.rank([cand], for: q, statistics: stats)
        let answer = AnswerComposer.compose(question: q.text, query: q, passages: ranked, statistics: stats)
        #expect(answer.text.hasPrefix("ON CONFLICT DO UPDATE updates the existing row"), "\(answer.text)")
        #expect(answer.text.contains("This is also known as UPSERT."))
    }

    /// "In which version…" is answered by a release named by its product as well as by a version note.
    @Test func aReleaseNamedByItsProductAnswersWhen() {
        #expect(AnswerTypeScorer.namesRelease("Support for this file was removed in PostgreSQL 12."))
        #expect(AnswerTypeScorer.namesRelease("Changed in version 3.8, again."))
        #expect(!AnswerTypeScorer.namesRelease("The server keeps 12 files."))
    }

    /// `work_mem` asked: the entry that is `work_mem` ranks above the one on `maintenance_work_mem`, which
    /// holds the phrase "work mem" just as well once stemmed.
    @Test func aPassageWritingTheQuestionsCodeWholeRanksFirst() {
        let q = QueryAnalyzer.analyze("What is the default value of work_mem?")
        func cand(_ id: Int64, _ entry: String, _ text: String) -> Candidate {
            Candidate(chunkID: id, source: "runtime-config-resource.html", title: "Resource Consumption",
                      headingPath: ["Memory"], anchor: nil, kind: .prose, text: text, indexScore: 1, entry: entry)
        }
        let candidates = [
            cand(1, "maintenance_work_mem (integer)",
                 "maintenance_work_mem (integer)\n\nThe default value for maintenance_work_mem is 64 megabytes."),
            cand(2, "work_mem (integer)", "work_mem (integer)\n\nThe default value for work_mem is four megabytes of memory."),
        ]
        let stats = Self.stats(for: q)
        #expect(PassageRanker.rank(candidates, for: q, statistics: stats).first?.candidate.chunkID == 2)
        var without = RankingParameters.default
        without.literalWeight = 0
        #expect(PassageRanker.rank(candidates, for: q, statistics: stats, parameters: without).first?.candidate.chunkID == 1,
                "without the literal match the entry saying 'work mem' more often wins")
    }

    /// "That is, …" after "As a result of this, …": the answer goes back to the sentence both point to.
    @Test func aChainOfPointingSentencesIsQuotedFromItsStart() {
        let q = QueryAnalyzer.analyze("Why do integer keys come back as strings after json.dumps and loads?")
        let cand = Candidate(chunkID: 1, source: "json.html", title: "json", headingPath: ["Basic Usage"], anchor: nil,
                             kind: .prose,
                             text: "Serialize obj to a JSON formatted str. "
                                 + "When a dictionary is converted into JSON, all the keys of the dictionary are coerced to strings. "
                                 + "As a result of this, a dictionary converted into JSON and back may not equal the original one. "
                                 + "That is, loads(dumps(x)) != x if x has non-string integer keys.",
                             indexScore: 1, entry: "json.dumps(obj)")
        let answer = Self.answer(q, from: [cand])
        #expect(answer.text.contains("coerced to strings. As a result of this"), "\(answer.text)")
        #expect(!answer.text.contains("Serialize obj"))
        #expect(AnswerComposer.continuesPrevious(StemmedText("For this reason, keys are strings.")))
        #expect(!AnswerComposer.continuesPrevious(StemmedText("For keys, JSON uses strings.")))
    }

    /// Documentation that asks the question itself answers it in the next sentence: the answer goes on
    /// past the question, and not into the next paragraph.
    @Test func aQuestionTheDocsAskIsQuotedWithItsAnswer() {
        let q = QueryAnalyzer.analyze("I UPDATE rows of the table a SELECT is stepping through. Will the rest of the SELECT see my updates?")
        let cand = Candidate(chunkID: 1, source: "isolation.html", title: "Isolation In SQLite",
                             headingPath: ["No Isolation Between Operations On The Same Database Connection"],
                             anchor: nil, kind: .prose,
                             text: "What if a SELECT statement is started and the application runs UPDATE statements that "
                                 + "modify the table that the SELECT statement is reading, then steps through the rest of "
                                 + "the SELECT statement? Will the later steps of the SELECT see the changes made by the "
                                 + "UPDATE or not? The answer is that this behavior is undefined.\n\n"
                                 + "Other connections see the changes only after a commit.",
                             indexScore: 1)
        let answer = Self.answer(q, from: [cand])
        #expect(answer.text.hasSuffix("The answer is that this behavior is undefined."), "\(answer.text)")
        #expect(!answer.text.contains("Other connections"))
    }

    /// "…provides a RotatingFileHandler:" announces the example in the next chunk: the answer shows it,
    /// and when it is too long, the whole statements that make the thing named rather than the imports.
    @Test func anAnnouncedExampleIsShown() {
        let q = QueryAnalyzer.analyze("How do I get logging to start a new file once the log reaches a certain size?")
        let prose = Candidate(chunkID: 7, source: "logging-cookbook.html", title: "Logging Cookbook",
                              headingPath: ["Using file rotation"], anchor: nil, kind: .prose,
                              text: "Sometimes you want to let a log file grow to a certain size, then open a new file "
                                  + "and log to that. For this usage pattern, the logging package provides a "
                                  + "RotatingFileHandler:", indexScore: 1)
        let code = Candidate(chunkID: 8, source: "logging-cookbook.html", title: "Logging Cookbook",
                             headingPath: ["Using file rotation"], anchor: nil, kind: .code,
                             text: (["import glob", "import logging", "import logging.handlers", "",
                                     "LOG_FILENAME = 'logging_rotatingfile_example.out'", "",
                                     "my_logger = logging.getLogger('MyLogger')", "my_logger.setLevel(logging.DEBUG)", "",
                                     "handler = logging.handlers.RotatingFileHandler(",
                                     "              LOG_FILENAME, maxBytes=20, backupCount=5)", "",
                                     "my_logger.addHandler(handler)"]
                                    + Array(repeating: "my_logger.debug('some message to fill the log file')", count: 8))
                                .joined(separator: "\n"), indexScore: 0)
        let answer = Self.answer(q, from: [prose], followingChunks: [prose.chunkID: code])
        #expect(answer.text.contains("provides a RotatingFileHandler:\n…\n"), "\(answer.text)")
        #expect(answer.text.contains("handler = logging.handlers.RotatingFileHandler("))
        #expect(answer.text.contains("maxBytes=20, backupCount=5)"))
        #expect(!answer.text.contains("import glob"))
        #expect(answer.text.count <= 500)
        // Without the next chunk at hand, or when it is prose, the sentence stands alone.
        #expect(Self.answer(q, from: [prose]).text.hasSuffix("RotatingFileHandler:"))
        var more = code
        more.kind = .prose
        #expect(Self.answer(q, from: [prose], followingChunks: [prose.chunkID: more]).text.hasSuffix("RotatingFileHandler:"))
        // A short example is shown whole.
        #expect(AnswerComposer.lines(of: "a = 1\nb = 2", fitting: 20, about: [:]) == "a = 1\nb = 2")
        #expect(AnswerComposer.lines(of: "a long first line\nb", fitting: 3, about: [:]) == "…\nb")
        #expect(AnswerComposer.lines(of: "a long first line\nb", fitting: 2, about: [:]) == nil)
    }
}
