// Question analysis: what is searched for, with which weights, and what kind of answer is expected.

import Testing
@testable import AskDocsCore

@Suite struct QueryAnalyzerTests {
    @Test func dropsQuestionWordsAndStopwords() {
        let q = QueryAnalyzer.analyze("What is the best way to configure the database?")
        #expect(q.concepts.map(\.label) == ["best", "way", "configure", "database"])
    }

    @Test func aWordAskedTwiceCountsTwice() {
        let q = QueryAnalyzer.analyze("flask routing vs flask blueprints")
        #expect(q.concepts.first { $0.label == "flask" }?.count == 2)
    }

    @Test func superlativesBringInTheirBaseAndSpeedSynonyms() {
        let q = QueryAnalyzer.analyze("which is fastest with a database?")
        let fastest = try! #require(q.concepts.first { $0.label == "fastest" })
        let surfaces = fastest.terms.map(\.surface)
        #expect(surfaces.first == "fastest")
        #expect(surfaces.contains("fast"))
        #expect(surfaces.contains("latency"))
        #expect(surfaces.contains("requests per second"))
        #expect(fastest.terms.first!.weight > fastest.terms.first { $0.surface == "latency" }!.weight)
        #expect(q.answerType == .comparison)
        #expect(q.isComparison)
    }

    @Test func nounsEndingInErAreNotComparatives() {
        let q = QueryAnalyzer.analyze("which server handler is faster?")
        #expect(q.concepts.first { $0.label == "server" }?.terms.count == 1)
        #expect(q.concepts.first { $0.label == "faster" }?.terms.contains { $0.surface == "fast" } == true)
    }

    @Test func phrasesAreOneConcept() {
        let q = QueryAnalyzer.analyze("what does flask give you out of the box?")
        let box = try! #require(q.concepts.first { $0.label == "out of the box" })
        #expect(box.terms.contains { $0.surface == "ships with" })
        #expect(!q.concepts.contains { $0.label == "box" })
    }

    @Test func answerTypes() {
        #expect(QueryAnalyzer.analyze("Since which Python version is itertools.pairwise available?").answerType == .time)
        #expect(QueryAnalyzer.analyze("In which version was asyncio.TaskGroup added?").answerType == .time)
        #expect(QueryAnalyzer.analyze("what python release added match statements").answerType == .time)
        #expect(QueryAnalyzer.analyze("in which case is it faster").answerType != .time)
        #expect(QueryAnalyzer.analyze("What's the safe way to put user input into a query?").answerType == .procedure)
        #expect(QueryAnalyzer.analyze("is there a way to skip a test").answerType == .procedure)
        #expect(QueryAnalyzer.analyze("is the way it works documented").answerType == .yesNo)
        #expect(QueryAnalyzer.analyze("how many live websites run on django").answerType == .quantity)
        // Asking for a limit asks for a number, however the question opens.
        #expect(QueryAnalyzer.analyze("Is there a size limit on the payload of NOTIFY?").answerType == .quantity)
        #expect(QueryAnalyzer.analyze("What's the largest number an integer column holds?").answerType == .quantity)
        #expect(QueryAnalyzer.analyze("is there a limit").answerType == .quantity)
        #expect(QueryAnalyzer.analyze("is there an index on it").answerType == .yesNo)
        #expect(QueryAnalyzer.analyze("how do I install it").answerType == .procedure)
        #expect(QueryAnalyzer.analyze("why is django slow").answerType == .reason)
        #expect(QueryAnalyzer.analyze("when was flask released").answerType == .time)
        #expect(QueryAnalyzer.analyze("is the django ORM async?").answerType == .yesNo)
        #expect(QueryAnalyzer.analyze("what is litestar").answerType == .definition)
        #expect(QueryAnalyzer.analyze("Flask vs Django for a blog").answerType == .comparison)
    }

    @Test func quantityTypeWordsAreNotTopics() {
        let q = QueryAnalyzer.analyze("What share of professional Python developers use FastAPI now?")
        #expect(!q.concepts.contains { $0.label == "share" })
        #expect(q.concepts.contains { $0.label == "professional" })
    }

    @Test func comparedEntities() {
        let q = QueryAnalyzer.analyze("which is slower under real database load, flask or fastapi?")
        #expect(q.comparedEntities == ["flask", "fastapi"])
    }

    @Test(arguments: ["\"unbalanced", "a*", "NEAR(a b)", "x AND y OR NOT z", "title: foo", "🔥🚀", "^col",
                      "((((", "'; DROP TABLE chunks; --", String(repeating: "lorem ipsum ", count: 1_000)])
    func hostileTextYieldsOnlyPlainTerms(_ text: String) {
        let q = QueryAnalyzer.analyze(text)
        for term in q.concepts.flatMap(\.terms) {
            #expect(term.surface.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" })
        }
    }

    @Test func onlyStopwordsMeansNothingToSearch() {
        #expect(QueryAnalyzer.analyze("what is it?").isEmpty)
        #expect(QueryAnalyzer.analyze("").isEmpty)
        #expect(QueryAnalyzer.analyze("?!…").isEmpty)
    }
}

@Suite struct AnswerTypeTests {
    @Test(arguments: ["What numeric value does the WARNING logging level have?", "what value does DEBUG have",
                      "how many live websites run on django", "what share of developers use FastAPI"])
    func quantityQuestions(_ q: String) {
        #expect(QueryAnalyzer.analyze(q).answerType == .quantity)
    }

    @Test func differenceBetweenIsTheFormNotTheTopic() {
        let words = QueryAnalyzer.analyze("What's the difference between a naive and an aware datetime?").concepts.map(\.label)
        #expect(words == ["naive", "aware", "datetime"])
        #expect(QueryAnalyzer.analyze("the difference of two dates").concepts.map(\.label).contains("difference"))
    }

    @Test func howManyIsTheFormNotTheTopic() {
        let words = QueryAnalyzer.analyze("how many companies use django in production?").concepts.map(\.label)
        #expect(!words.contains("many"))
        #expect(words.contains("companies"))
    }
}

@Suite struct EntityAnswerTests {
    @Test func namesTheQuestionDoesNotSayCount() {
        let q = QueryAnalyzer.analyze("Who uses FastAPI in production?")
        #expect(AnswerTypeScorer.namesNotAsked(in: "Microsoft uses it, Uber relies on it, and Netflix built services with FastAPI.",
                                               query: q) == 2)
        #expect(AnswerTypeScorer.namesNotAsked(in: "This alone is a massive productivity win.", query: q) == 0)
    }
}

@Suite struct IdentifierTests {
    @Test func identifiersAreTheirWordsInOrder() {
        #expect(QueryAnalyzer.identifiers(in: "What is the default pool_maxsize of a requests Session?") == [["pool", "maxsize"]])
        #expect(QueryAnalyzer.identifiers(in: "Does os.cpu_count() tell me? (see os.cpu_count)") == [["cpu", "count"]])
        // A dotted name's last part is the API's name; a one-word part is left to the unknown-word rule.
        #expect(QueryAnalyzer.identifiers(in: "random.choices or random.sample, e.g. in 3.11?").isEmpty)
        #expect(QueryAnalyzer.identifiers(in: "why is y = x.sort() None? enum.StrEnum, logging.config.dictConfig").isEmpty)
        #expect(QueryAnalyzer.identifiers(in: "set requests.adapters.pool_maxsize") == [["pool", "maxsize"]])
        #expect(QueryAnalyzer.identifiers(in: "which is fastest with a database? __init__ 3.11").isEmpty)
        // The asker's own files are not names the corpus should have.
        #expect(QueryAnalyzer.identifiers(in: "psql -f migrate.sql exits 0; COPY FROM '/home/me/data.csv'").isEmpty)
        #expect(QueryAnalyzer.identifiers(in: "edit postgresql.conf or my_job.py").isEmpty)
    }

    /// A run of capitalised words mid-sentence is a product's name; the question's first word and words
    /// in capitals (RDS, BEGIN IMMEDIATE) are not part of one.
    @Test func namePhrasesAreCapitalisedRuns() {
        #expect(QueryAnalyzer.namePhrases(in: "How do I run Entity Framework Core migrations against SQLite?")
                == [["entity", "framework", "core"]])
        #expect(QueryAnalyzer.namePhrases(in: "On Amazon RDS, is BEGIN IMMEDIATE slower? Python Is great").isEmpty)
        #expect(QueryAnalyzer.namePhrases(in: "Does Argument Clinic, or Django Rest Framework, do it?")
                == [["argument", "clinic"], ["django", "rest", "framework"]])
    }

    /// Hyphenated words as their words, for the engine to ask the dictionary about their head; options
    /// read the same, and a UUID or hash is data.
    @Test func hyphenatedWordsAreTheirWords() {
        #expect(QueryAnalyzer.hyphenatedWords(in: "With better-sqlite3 in Node.js, or sqlite-vec?")
                == [["better", "sqlite3"], ["sqlite", "vec"]])
        #expect(QueryAnalyzer.hyphenatedWords(in: "git push --force-with-lease (a read-only copy)")
                == [["force", "with", "lease"], ["read", "only"]])
        #expect(QueryAnalyzer.hyphenatedWords(in: "task 97de6f3f-ea67-4517 on 2024-03-01, my_job-2.py").isEmpty)
    }

    /// A character escape pasted from code is the character, as documentation names it; the word glued
    /// to it is a word of its own.
    @Test func characterEscapesAreSpelledOut() {
        #expect(QueryAnalyzer.spellingOutCharacterEscapes(#"comes out as '\ufeffid'"#) == "comes out as ' U+FEFF id'")
        #expect(QueryAnalyzer.spellingOutCharacterEscapes(#"a '\x00' byte, \U0001F600"#) == "a ' U+0000 ' byte,  U+1F600 ")
        #expect(QueryAnalyzer.spellingOutCharacterEscapes(#"C:\users and '\n'"#) == #"C:\users and '\n'"#)
        let labels = QueryAnalyzer.analyze(#"the column comes out as '\ufeffid'"#).concepts.map(\.label)
        #expect(labels.contains("feff") && labels.contains("id") && !labels.contains("ufeffid"))
    }

    /// Names written as code in a question that pastes code, after a possessive, in a path or in a string
    /// literal are the asker's own; a plain word naming another product never is, nor is a code name
    /// asked about without any code around it.
    @Test func theAskersOwnNamesAreTold() {
        let pasted = "json.dumps(payload) in my export_invoice() fails: Object of type InvoiceLine is not serializable"
        #expect(QueryAnalyzer.isAskersOwnName("export_invoice", in: pasted))
        // A CamelCase word in the prose around the code may name a product, as "MySQL" does.
        #expect(!QueryAnalyzer.isAskersOwnName("invoiceline", in: pasted))
        #expect(QueryAnalyzer.isAskersOwnName("invoiceline", in: "json.dumps(InvoiceLine(sku)) fails"))
        #expect(!QueryAnalyzer.isAskersOwnName("serializable", in: pasted))
        #expect(QueryAnalyzer.isAskersOwnName("mydescriptor", in: "I set self.x = MyDescriptor() in __init__"))
        #expect(QueryAnalyzer.isAskersOwnName("payments-api", in: "I committed a file in our payments-api repo"))
        #expect(QueryAnalyzer.isAskersOwnName("shopfront", in: "purge_carts, defined in shopfront/tasks.py"))
        #expect(QueryAnalyzer.isAskersOwnName("noir", in: "name_a == name_b for 'Cafe Noir', isn't it?"))
        // Apostrophes open no string literal.
        #expect(QueryAnalyzer.quotedText(of: "I'm sure it's x = 'a b' and \"c\"", quotes: ["'", "\""]) == "a b c ")
        // Another library's names, asked about.
        #expect(!QueryAnalyzer.isAskersOwnName("pool_maxsize", in: "What is the default pool_maxsize of a Session?"))
        #expect(!QueryAnalyzer.isAskersOwnName("pandas", in: "make pandas.read_csv(path) parse dates"))
        #expect(!QueryAnalyzer.isAskersOwnName("better-sqlite3", in: "With better-sqlite3 in Node.js, how?"))
        #expect(!QueryAnalyzer.isAskersOwnName("pydantic", in: "My pydantic model needs a validator"))
        #expect(!QueryAnalyzer.isAskersOwnName("mysql", in: "x = 1 in MySQL"))
        #expect(QueryAnalyzer.isAskersOwnName("cartentry", in: "x = 1 in class CartEntry: pass"))
        // A hash or UUID pasted from an error or a log is the asker's data, in any question.
        #expect(QueryAnalyzer.isAskersOwnName("3f2a1c9", in: "git revert 3f2a1c9 says: commit 3f2a1c9 is a merge"))
        #expect(QueryAnalyzer.isAskersOwnName("ea67", in: "Dependency 97de6f3f-ea67-4517-a21c-d867c61fcb47 raised"))
        for word in ["utf8mb4", "deadbeef", "2fa", "sha256", "b2b"] {
            #expect(!QueryAnalyzer.isAskersOwnName(word, in: "what about \(word) here?"), "\(word)")
        }
    }

    /// Only the shipped post's own words have curated synonyms ("fastest" reaches "requests per second",
    /// "db" reaches "database"); everyday words are left to the sentence model ("grab" is asked as itself,
    /// and "terminal" no longer shares a stem with "terminate"'s group).
    @Test func curatedSynonymsAreTheShippedPostsOnly() {
        let speed = QueryAnalyzer.analyze("which framework is fastest with a db?")
        #expect(speed.concepts.first { $0.label == "fastest" }?.terms.contains { $0.surface == "requests per second" } == true)
        #expect(speed.concepts.first { $0.label == "db" }?.terms.contains { $0.surface == "database" } == true)
        let grab = QueryAnalyzer.analyze("how do I grab the most frequent words in the terminal")
        for label in ["grab", "frequent", "terminal"] {
            #expect(grab.concepts.first { $0.label == label }?.terms.count == 1)
        }
    }

    /// `work_mem` is one concept, the phrase of its parts; `maintenance_work_mem` is its own, longer name.
    @Test func snakeCaseNamesArePhrases() {
        let q = QueryAnalyzer.analyze("What's the default value of work_mem, and of maintenance_work_mem, for os.cpu_count()?")
        let labels = q.concepts.map(\.label)
        #expect(labels.contains("work_mem"))
        #expect(labels.contains("maintenance_work_mem"))
        #expect(labels.contains("cpu_count") && labels.contains("os"))
        #expect(!labels.contains("mem") && !labels.contains("work"))
        #expect(q.concepts.first { $0.label == "work_mem" }?.terms.first?.stems == ["work", "mem"])
        #expect(QueryAnalyzer.snakeCaseNames(in: "no names here").isEmpty)
        // A stop word that is part of a dotted name is the name's: the `re` module.
        #expect(QueryAnalyzer.analyze("Why does re.match return None?").concepts.map(\.label).contains("re"))
        #expect(!QueryAnalyzer.analyze("you're right, re-read it").concepts.map(\.label).contains("re"))
    }
}
