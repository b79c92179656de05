// Turns a question into an AnalyzedQuery: the concepts to look for (each with the exact word, its
// morphological variants and curated synonyms, as stemmed token phrases with weights) and the kind of
// answer expected. Pure: the FTS5 expression is rendered from this by the index module.

import Foundation

/// A term to match: a phrase of stemmed tokens (one token for a plain word).
public struct QueryTerm: Sendable, Equatable, Hashable {
    public var stems: [String]
    /// The surface form, lower-cased, for exact-form bonuses and display.
    public var surface: String
    /// 1 for the word asked, less for variants and synonyms.
    public var weight: Double
    public init(stems: [String], surface: String, weight: Double) {
        self.stems = stems
        self.surface = surface
        self.weight = weight
    }
}

/// One thing the question asks about, and every way the corpus may say it.
public struct QueryConcept: Sendable, Equatable {
    /// The user's word or phrase.
    public var label: String
    /// How many times the question says it (a word asked twice counts twice).
    public var count: Int
    public var terms: [QueryTerm]
    public init(label: String, count: Int, terms: [QueryTerm]) {
        self.label = label
        self.count = count
        self.terms = terms
    }
    /// The stem of the word as asked (the first term).
    public var primaryStem: String { terms.first?.stems.joined(separator: " ") ?? label }
}

public enum AnswerType: String, Sendable, Equatable {
    case quantity      // how many / how much / what percentage / how fast
    case entity        // which X / who
    case time          // when / which version / what year
    case procedure     // how to / how do I
    case reason        // why
    case yesNo         // is / does / can ...
    case definition    // what is X
    case comparison    // X vs Y / X or Y / -est / -er than
    case other
}

/// A word of the question read as another (a typo corrected against the index's vocabulary).
public struct Correction: Sendable, Equatable {
    public var word: String
    public var readAs: String
    public init(word: String, readAs: String) {
        self.word = word
        self.readAs = readAs
    }
}

public struct AnalyzedQuery: Sendable, Equatable {
    public var text: String
    public var concepts: [QueryConcept]
    public var answerType: AnswerType
    /// Whether the question compares things (superlative, comparative, "X or Y", "vs").
    public var isComparison: Bool
    /// The question's own content words in order (folded, not stemmed), for exact-form and bigram bonuses.
    public var contentWords: [String]
    /// Stems of the things compared in "X or Y" / "X vs Y" questions.
    public var comparedEntities: [String] = []
    /// Words of the question read as other words (typos corrected against the index's vocabulary), in
    /// the order of the question.
    public var corrections: [Correction] = []
    /// What the question writes as code, lowercased (`work_mem`, `json.dumps`), matched whole by the
    /// ranker and the answer.
    public var codeLiterals: [String] = []
    /// The concept words a dictionary accepts as correctly spelled English, filled in by the engine (nil:
    /// no dictionary was consulted, and words are judged by their suffixes): such a word is neither a typo
    /// to correct nor a name the corpus lacks.
    public var englishWords: Set<String>?
    /// How much of the question's meaning each concept carries (ConceptSalience), filled in by the engine
    /// when the sentence model is loaded; nil: concepts weigh by idf alone.
    public var salience: [Double]?
    /// Names of the asker's own code, data and paths in the question (`QueryAnalyzer.askersOwnNames`):
    /// no documentation holds them, so their absence says nothing.
    public var askersOwnNames: Set<String> = []
    public var isEmpty: Bool { concepts.isEmpty }

    /// The question as searched, for "showing results for …"; nil when nothing was corrected.
    public var correctedText: String? {
        corrections.isEmpty ? nil : Self.text(text, readingAs: corrections)
    }

    static func text(_ text: String, readingAs corrections: [Correction]) -> String {
        var out = ""
        var word = ""
        func flushWord() {
            out += corrections.first { $0.word == word.lowercased() }?.readAs ?? word
            word = ""
        }
        for ch in text {
            if ch.isLetter || ch.isNumber { word.append(ch) } else { flushWord(); out.append(ch) }
        }
        flushWord()
        return out
    }
}

public enum QueryAnalyzer {
    /// NLTK's 179-word English stoplist (measured best on Cranfield/CISI, see ../shared/benchmarks) plus
    /// the words that make a sentence a question or a request rather than a topic.
    public static let stopwords: Set<String> = {
        let nltk = """
        i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves he him
        his himself she she's her hers herself it it's its itself they them their theirs themselves what which who
        whom this that that'll these those am is are was were be been being have has had having do does did doing a
        an the and but if or because as until while of at by for with about against between into through during
        before after above below to from up down in out on off over under again further then once here there when
        where why how all any both each few more most other some such no nor not only own same so than too very s t
        can will just don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't
        doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't needn needn't
        shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
        """
        let questionWords = """
        would could might may must shall tell explain please know want wants wanted need needs anyone someone
        somebody whether whats what's hows how's whos who's i'm let let's lets also us ok okay hi hello thanks thank
        """
        return Set((nltk + " " + questionWords).split(whereSeparator: \.isWhitespace).map(String.init))
    }()

    /// Words that end in -est/-er but are not comparatives or superlatives.
    static let notGraded: Set<String> = [
        "best", "rest", "test", "latest", "interest", "request", "suggest", "manifest", "honest", "modest",
        "contest", "protest", "guest", "nest", "west", "digest", "harvest", "invest", "earnest", "priest",
        "forest", "chest", "quest", "arrest", "ingest", "attest", "detest", "unrest", "pest", "vest", "zest",
        "user", "server", "number", "order", "under", "over", "after", "other", "water", "paper", "layer",
        "member", "parameter", "container", "computer", "letter", "power", "never", "ever", "either", "whether",
        "together", "however", "answer", "register", "filter", "buffer", "header", "footer", "folder", "render",
        "router", "handler", "docker", "cluster", "master", "compiler", "error", "cover", "matter", "manner",
        "rather", "former", "finger", "powerful", "driver", "trigger", "transfer", "offer", "enter", "center",
        "character", "chapter", "consider", "cancer", "wonder", "worker", "player", "customer", "provider",
        "owner", "reader", "writer", "listener", "browser", "holder", "pointer", "counter", "timer", "logger",
        "parser", "builder", "helper", "wrapper", "loader", "scheduler", "adapter", "converter", "marker",
    ]

    /// Irregular comparatives and superlatives.
    static let irregularBase: [String: String] = [
        "better": "good", "best": "good", "worse": "bad", "worst": "bad", "more": "many", "most": "many",
        "less": "little", "least": "little", "further": "far", "farther": "far",
    ]

    /// What is left of the curated synonym lists: only the entries the shipped post's own questions need
    /// (Tests/QA/seed-post.jsonl and the development set: "which is fastest with a database?", "what does
    /// flask give you out of the box?", "…an online shop…"). The sentence model does not bring these
    /// words together; it made the other 45 entries (38 groups, 7 phrases) redundant, measured on six
    /// documentation sets and four probes (Tests/QA/README.md, "The curated synonym lists, retired").
    /// Matched on the question's raw words.
    static let phraseSynonyms: [(phrase: [String], label: String, alternatives: [String])] = [
        (["out", "of", "the", "box"], "out of the box",
         ["out of the box", "built in", "built-in", "ships with", "comes with", "included", "by default", "bundled"]),
        (["online", "shop"], "online shop", ["online shop", "shop", "store", "e-commerce", "ecommerce"]),
        (["online", "store"], "online store", ["online store", "shop", "store", "e-commerce", "ecommerce"]),
        (["requests", "per", "second"], "requests per second",
         ["requests per second", "req sec", "rps", "throughput", "performance", "speed"]),
    ]

    /// A question word in a group brings in the others at a lower weight; it never replaces the word asked.
    /// The shipped post's words for speed, for databases and for what a framework gives (see `phraseSynonyms`).
    static let synonymGroups: [[String]] = [
        ["fast", "quick", "speed", "performance", "throughput", "latency", "slow", "requests per second",
         "req sec", "rps", "performant"],
        ["db", "database", "databases"],
        ["give", "provide", "offer", "ships with", "comes with"],
    ]

    static let synonymWeight = 0.5
    static let variantWeight = 0.85

    /// The question analysed as if it said `corrections`' words (so that a corrected "fastst" is read
    /// as "fastest", superlative and all); `text` stays what was asked.
    public static func analyze(_ question: String, readingAs corrections: [Correction]) -> AnalyzedQuery {
        guard !corrections.isEmpty else { return analyze(question) }
        var query = analyze(AnalyzedQuery.text(question, readingAs: corrections))
        query.text = question
        query.askersOwnNames = askersOwnNames(in: question)
        query.corrections = corrections
        return query
    }

    static let fileExtensions: Set<String> = [
        "sql", "csv", "tsv", "txt", "json", "yaml", "yml", "toml", "ini", "xml", "html", "htm", "md", "log", "py",
        "js", "ts", "sh", "rb", "go", "rs", "java", "c", "h", "cpp", "swift", "zip", "gz", "tar", "tgz", "pdf",
        "png", "jpg", "dump", "bak", "out",
    ]

    /// The identifiers the question writes (`pool_maxsize`, `os.cpu_count`), each as the words of its last
    /// dotted part in order: names of code, which the corpus either has as such a run of words or does not have.
    /// With `wholeName`, every part of a dotted name (`re` of `re.match` is a word of the question's code).
    public static func identifiers(in question: String, wholeName: Bool = false) -> [[String]] {
        var out: [[String]] = []
        for piece in codePieces(of: question) {
            let trimmed = piece.trimmingCharacters(in: CharacterSet(charactersIn: "._-*"))
            guard let first = trimmed.unicodeScalars.first, CharacterSet.letters.contains(first),
                  trimmed.contains(where: { $0 == "_" || $0 == "." }) else { continue }
            var words = Tokenizer.words(trimmed)
            // "migrate.sql", "data.csv": the asker's own file, named by an extension, not the corpus's API.
            if trimmed.contains("."), let last = words.last, fileExtensions.contains(last) { continue }
            // Of a dotted name only the last part is the API's own: the rest is how the asker reached it
            // (`x.sort()`, `sock.recv`) or a qualifier the docs leave out (`enum.StrEnum` under "class StrEnum").
            // A one-word last part is a word of the question, which the unknown-word rule already checks.
            if !wholeName, let dot = trimmed.lastIndex(of: ".") { words = Tokenizer.words(String(trimmed[trimmed.index(after: dot)...])) }
            if words.count >= 2, !out.contains(words) { out.append(words) }
        }
        return out
    }

    /// Whether `label` (a concept's label, lower-cased) is a name of the asker's own code, which no
    /// documentation could hold and whose absence therefore says nothing. In a question that pastes code
    /// (`json.dumps(payload) in my export_invoice()`): a snake_case name; a CamelCase or hyphenated one
    /// where it stands as code (called, dotted, declared, in backticks: `MyDescriptor()`, not "MySQL",
    /// which names a product the same way); a word of a string literal ('Café Noir'). In any question: a
    /// name written as code right after a possessive ("our payments-api repo", "my task send_email"), and
    /// the directories of a path to a file (`shopfront/tasks.py`). Anywhere else a plain word ("pandas",
    /// "loguru") is never one: that is how another product is named.
    public static func isAskersOwnName(_ label: String, in question: String) -> Bool {
        askersOwnNames(in: question).contains(label)
    }

    /// Every name `isAskersOwnName` holds for, lower-cased, in each form a label may take (`load_rows`,
    /// `load-rows`, the parts of a dotted or hyphenated name), reading the question once.
    /// `AnalyzedQuery.askersOwnNames` keeps them for the question analysed.
    public static func askersOwnNames(in question: String) -> Set<String> {
        var found = Set<String>()
        let pastesCode = writesCode(question)
        if pastesCode { found.formUnion(Tokenizer.words(quotedText(of: question, quotes: ["'", "\""]))) }
        let codeSpans = Set(Tokenizer.words(quotedText(of: question, quotes: ["`"])))
        var previous: [String] = []
        for piece in question.split(whereSeparator: \.isWhitespace) {
            let word = piece.trimmingCharacters(in: codePunctuation)
            let possessed = previous.suffix(2).contains { ["my", "our", "your"].contains($0) }
            let declared = ["class", "def"].contains(previous.last ?? "")
            previous.append(word.lowercased())
            if isFilePath(word) || isHashOrUUID(word) { found.formUnion(Tokenizer.words(word)) }
            guard pastesCode || possessed else { continue }
            for part in codePieces(of: word) where isCodeForm(part) {
                let words = Tokenizer.words(String(part))
                let standsAsCode = part.contains("_") || possessed || declared || part.contains(".")
                    || piece.contains("(") || piece.contains("/") || words.allSatisfy(codeSpans.contains)
                guard standsAsCode else { continue }
                // Of a dotted name, only the parts written as code: `pandas.read_csv` names pandas.
                found.formUnion(part.split(separator: ".").filter(isCodeForm).map { $0.lowercased() })
                found.formUnion([words.joined(separator: "_"), words.joined(separator: "-"), part.lowercased()])
                // A hyphenated name is asked as its words ("prune" of `prune-snapshots.py`).
                if part.contains("-") { found.formUnion(words) }
            }
        }
        return found
    }

    /// A commit hash or UUID pasted from a log or an error ("3f2a1c9", "97de6f3f-ea67-…"): hex digits in
    /// hyphen-separated groups, at least seven (git's shortest abbreviation), with a digit and a letter.
    /// It is the asker's data, never a name the corpus could hold.
    static func isHashOrUUID(_ word: String) -> Bool {
        let groups = word.split(separator: "-", omittingEmptySubsequences: false)
        return groups.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isHexDigit) }
            && word.filter(\.isHexDigit).count >= 7
            && word.contains(where: \.isNumber) && word.contains(where: \.isLetter)
    }

    /// What surrounds a name written in a sentence (brackets, quotes, punctuation, operators) and is not
    /// part of it.
    static let codePunctuation = CharacterSet(charactersIn: "()[]{},;:!?\"'`=<>|")

    /// A path to a file (`tests/test_pricing.py`, `src/LedgerSync.cs`): directories, then a name with an
    /// extension (a few letters or digits after its last dot).
    static func isFilePath(_ word: String) -> Bool {
        guard word.contains("/"), !word.contains("://"), let name = word.split(separator: "/").last,
              let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...]
        return (1...5).contains(ext.count) && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            && ext.contains(where: \.isLetter)
    }

    /// The text between matching `quotes` in the question: from a quote that opens (not after a letter or
    /// digit) to the same quote closing (not before one), so that apostrophes ("don't", "Session's") open none.
    static func quotedText(of question: String, quotes: Set<Character>) -> String {
        let chars = Array(question)
        func isWordChar(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        var out = ""
        var i = 0
        while i < chars.count {
            let q = chars[i]
            guard quotes.contains(q), !isWordChar(i - 1),
                  let close = chars[(i + 1)...].indices.first(where: { chars[$0] == q && !isWordChar($0 + 1) })
            else { i += 1; continue }
            out += String(chars[(i + 1)..<close]) + " "
            i = close + 1
        }
        return out
    }

    /// Written as code rather than as a word: snake_case, CamelCase (a capital after a small letter),
    /// or joined with hyphens.
    static func isCodeForm(_ piece: Substring) -> Bool {
        let name = piece.trimmingCharacters(in: CharacterSet(charactersIn: "._-*"))
        guard name.contains(where: \.isLetter) else { return false }
        if name.contains("_") || name.contains("-") { return true }
        return zip(name, name.dropFirst()).contains { $0.isLowercase && $1.isUppercase }
    }

    /// Whether the question pastes code: a call, an assignment or comparison, backticks, a line break, or
    /// a path to a file of the asker's. (A bare "name.ext" is not enough: "Node.js" is a product.)
    static func writesCode(_ question: String) -> Bool {
        if question.contains("`") || question.contains("=") || question.contains("\n") { return true }
        if question.range(of: #"[A-Za-z0-9_]\("#, options: .regularExpression) != nil { return true }
        return question.split(whereSeparator: \.isWhitespace).contains { piece in
            isFilePath(piece.trimmingCharacters(in: codePunctuation))
        }
    }

    /// The question split where code names end: at spaces, brackets, quotes and punctuation that no
    /// identifier, dotted name or hyphenated name holds.
    static func codePieces(of question: String) -> [Substring] {
        question.split(whereSeparator: { $0.isWhitespace || "()[]{},;:!?\"'`=<>/\\|".contains($0) })
    }

    /// Words the question joins with hyphens that may name a tool or package ("better-sqlite3", "sqlite-vec",
    /// "commit-msg"), each as its words; the caller asks the dictionary about the head, the last part, and
    /// the corpus whether it has the words as a run. Options ("--no-verify") read the same. Not names: an
    /// English prefix ("non-async" is not async), a head without letters ("utf-8"), and a UUID or hash
    /// pasted from an error ("97de6f3f-ea67-…", a part of hex digits with a digit in it).
    public static func hyphenatedWords(in question: String) -> [[String]] {
        var out: [[String]] = []
        for piece in codePieces(of: question) {
            let trimmed = piece.trimmingCharacters(in: CharacterSet(charactersIn: ".-*"))
            guard trimmed.contains("-"), !trimmed.contains(where: { $0 == "_" || $0 == "." }) else { continue }
            let words = Tokenizer.words(trimmed)
            guard words.count >= 2, let head = words.last, head.contains(where: \.isLetter),
                  !hyphenPrefixes.contains(words[0]),
                  !words.contains(where: { $0.allSatisfy(\.isHexDigit) && $0.contains(where: \.isNumber) })
            else { continue }
            if !out.contains(words) { out.append(words) }
        }
        return out
    }

    /// English prefixes written with a hyphen, a closed class: "non-async" and "pre-fork" describe, they
    /// do not name.
    static let hyphenPrefixes: Set<String> = [
        "non", "pre", "post", "re", "un", "co", "de", "anti", "auto", "multi", "semi", "sub", "super", "self",
        "cross", "inter", "intra", "over", "under", "mid", "pseudo", "quasi", "ex", "meta", "micro", "mini", "bi",
    ]

    /// Names of two or more capitalised words the question writes mid-sentence ("Entity Framework Core",
    /// "Amazon RDS" is not: RDS is in capitals), each as its words: a product's name, which the corpus
    /// either has as such a run of words or does not have.
    public static func namePhrases(in question: String) -> [[String]] {
        var out: [[String]] = []
        var run: [String] = []
        var sentenceStart = true
        func flush() {
            if run.count >= 2, !out.contains(run) { out.append(run) }
            run = []
        }
        for piece in question.split(whereSeparator: \.isWhitespace) {
            let word = piece.trimmingCharacters(in: .punctuationCharacters)
            let titleCase = word.count >= 2 && word.first!.isUppercase && word.dropFirst().allSatisfy(\.isLowercase)
            if titleCase && !sentenceStart { run.append(word.lowercased()) } else { flush() }
            sentenceStart = piece.last.map { ".?!:".contains($0) } ?? false
            if piece.last.map({ ",;()\"".contains($0) }) == true { flush() }
        }
        flush()
        return out
    }

    /// A character escape pasted from code or output ("'\ufeffid'", "\x00") written as documentation
    /// names the character, "U+FEFF id": the tokenizer would otherwise glue the escape's digits to the word
    /// after it and ask the corpus for "ufeffid", which no text says.
    static func spellingOutCharacterEscapes(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var rest = Substring(text)
        while let slash = rest.firstIndex(of: "\\") {
            out += rest[..<slash]
            let after = rest[rest.index(after: slash)...]
            let digits = ["u": 4, "U": 8, "x": 2][after.first.map(String.init) ?? ""]
            if let digits, after.dropFirst().prefix(digits).count == digits,
               after.dropFirst().prefix(digits).allSatisfy(\.isHexDigit) {
                var hex = String(after.dropFirst().prefix(digits)).uppercased()
                while hex.count > 4, hex.hasPrefix("0") { hex.removeFirst() }
                if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
                out += " U+\(hex) "
                rest = after.dropFirst(1 + digits)
            } else {
                out += "\\"
                rest = after
            }
        }
        return out + rest
    }

    public static func analyze(_ question: String) -> AnalyzedQuery {
        // Only a bounded prefix is analysed: a 10 KB paste is a query, not a document.
        let bounded = spellingOutCharacterEscapes(question.count > 2_000 ? String(question.prefix(2_000)) : question)
        let raw = Tokenizer.words(bounded)
        let lower = bounded.lowercased()
        let answerType = questionType(of: bounded, raw: raw, lower: lower)
        let isComparison = answerType == .comparison || detectComparison(raw: raw, lower: lower)

        var concepts: [QueryConcept] = []
        var indexOfLabel: [String: Int] = [:]
        func add(_ concept: QueryConcept) {
            if let i = indexOfLabel[concept.label] {
                concepts[i].count += 1
            } else {
                indexOfLabel[concept.label] = concepts.count
                concepts.append(concept)
            }
        }

        var contentWords: [String] = []
        var i = 0
        // "what share of", "what percentage of": the word names the answer's type, not its topic.
        if answerType == .quantity, raw.count > 1, ["what", "which"].contains(raw[0]),
           answerTypeWords.contains(raw[1]) {
            i = 2
        }
        let snakeNames = snakeCaseNames(in: bounded)
        let codeWords = Set(identifiers(in: bounded, wholeName: true).flatMap { $0 })
        while i < raw.count {
            // `work_mem`, `capture_output`: one name, matched as the phrase of its parts, not as "work" and
            // "mem" anywhere (`maintenance_work_mem` still has the phrase; the answer's literal match tells
            // them apart).
            if let name = snakeNames.first(where: { matches($0, in: raw, at: i) }) {
                let surface = name.joined(separator: "_")
                add(QueryConcept(label: surface, count: 1,
                                 terms: [QueryTerm(stems: name.map(Stemmer.stem), surface: surface, weight: 1)]))
                contentWords.append(contentsOf: name)
                i += name.count
                continue
            }
            if let (phrase, label, alts) = phraseSynonyms.first(where: { matches($0.phrase, in: raw, at: i) }) {
                var terms = [QueryTerm(stems: phrase.map(Stemmer.stem), surface: phrase.joined(separator: " "),
                                       weight: 1)]
                for alt in alts where alt != label {
                    terms.append(QueryTerm(stems: Stemmer.stems(alt), surface: alt, weight: synonymWeight + 0.1))
                }
                add(QueryConcept(label: label, count: 1, terms: dedupe(terms)))
                contentWords.append(contentsOf: phrase.filter { !stopwords.contains($0) })
                i += phrase.count
                continue
            }
            let word = raw[i]
            i += 1
            // "re" of `re.match` is the module, not the "re" of "you're".
            if stopwords.contains(word) && !codeWords.contains(word) || word.count < 2 && !word.allSatisfy(\.isNumber) {
                continue
            }
            // "how many", "how much": the question's form (a quantity), not its topic.
            if (word == "many" || word == "much"), i >= 2, raw[i - 2] == "how" { continue }
            // "the difference between A and B" asks to compare A and B; "difference" is the form.
            if word.hasPrefix("difference"), i < raw.count, raw[i] == "between" { continue }
            contentWords.append(word)
            add(concept(for: word, comparison: isComparison))
        }
        var query = AnalyzedQuery(text: question, concepts: concepts, answerType: answerType,
                                  isComparison: isComparison, contentWords: contentWords)
        query.comparedEntities = comparedEntities(raw)
        query.codeLiterals = codeLiterals(in: bounded)
        query.askersOwnNames = askersOwnNames(in: question)
        return query
    }

    /// What the question writes as code (`__name__`, `shell=True`, `json.dumps`): a word with an
    /// underscore, a dot or an equals sign inside it, lowercased, without trailing punctuation or "()".
    public static func codeLiterals(in question: String) -> [String] {
        var out: [String] = []
        for piece in question.split(whereSeparator: { $0.isWhitespace || ",;!?\"'`()[]{}".contains($0) }) {
            var literal = piece.lowercased()
            while let last = literal.last, ".:".contains(last) { literal.removeLast() }
            guard literal.count >= 4, literal.contains(where: \.isLetter),
                  literal.dropFirst().dropLast().contains(where: { "_.=".contains($0) }),
                  !out.contains(literal) else { continue }
            out.append(literal)
        }
        return out
    }

    /// The snake_case names the question writes (`work_mem`; `cpu_count` of `os.cpu_count()`), each as
    /// its words, longest first so that `maintenance_work_mem` is not read as `work_mem`.
    static func snakeCaseNames(in question: String) -> [[String]] {
        guard question.contains("_") else { return [] }
        var out: [[String]] = []
        for piece in question.split(whereSeparator: { $0.isWhitespace || "()[]{},;:!?\"'`=<>/\\|.".contains($0) }) {
            let trimmed = piece.trimmingCharacters(in: CharacterSet(charactersIn: "_-*"))
            guard trimmed.contains("_") else { continue }
            let words = Tokenizer.words(trimmed)
            if words.count >= 2, !out.contains(words) { out.append(words) }
        }
        return out.sorted { $0.count > $1.count }
    }

    static let answerTypeWords: Set<String> = [
        "share", "percentage", "percent", "proportion", "number", "amount", "fraction", "portion", "rate",
    ]

    /// "flask or fastapi", "django vs flask", "the difference between random.choices and random.sample":
    /// the words on both sides of or/vs/versus, or of between … and. A word both sides share ("random" of
    /// random.choices and random.sample) names neither: the word after it does.
    static func comparedEntities(_ raw: [String]) -> [String] {
        var out: [String] = []
        func add(_ word: String) {
            guard !stopwords.contains(word) else { return }
            let stem = Stemmer.stem(word)
            if !out.contains(stem) { out.append(stem) }
        }
        for (i, w) in raw.enumerated() where ["or", "vs", "versus"].contains(w) && i > 0 && i + 1 < raw.count {
            add(raw[i - 1])
            let shared = i >= 2 && raw[i + 1] == raw[i - 2] && i + 2 < raw.count
            add(raw[shared ? i + 2 : i + 1])
        }
        if out.count < 2, let b = raw.firstIndex(of: "between"),
           let a = raw[(b + 1)...].firstIndex(of: "and"), a + 1 < raw.count {
            var left = raw[(b + 1)..<a].filter { !stopwords.contains($0) }
            var right = raw[(a + 1)...].filter { !stopwords.contains($0) }
            while let l = left.first, let r = right.first, l == r, left.count > 1, right.count > 1 {
                left.removeFirst()
                right.removeFirst()
            }
            if let l = left.first, let r = right.first, l != r {
                out = []
                add(l)
                add(r)
            }
        }
        return out.count >= 2 ? out : []
    }

    static func matches(_ phrase: [String], in words: [String], at i: Int) -> Bool {
        guard i + phrase.count <= words.count else { return false }
        for (k, w) in phrase.enumerated() where words[i + k] != w { return false }
        return true
    }

    static func dedupe(_ terms: [QueryTerm]) -> [QueryTerm] {
        var seen = Set<[String]>()
        return terms.filter { seen.insert($0.stems).inserted }
    }

    /// The concept for one question word: the word, the base of a comparative/superlative, synonyms.
    static func concept(for word: String, comparison: Bool) -> QueryConcept {
        var terms = [QueryTerm(stems: [Stemmer.stem(word)], surface: word, weight: 1)]
        var related: [String] = [word]
        for base in gradedBases(of: word, comparison: comparison) {
            terms.append(QueryTerm(stems: [Stemmer.stem(base)], surface: base, weight: variantWeight))
            related.append(base)
        }
        let relatedStems = Set(related.map(Stemmer.stem))
        for group in synonymGroups where group.contains(where: { relatedStems.contains(Stemmer.stem($0)) }) {
            for alt in group {
                terms.append(QueryTerm(stems: Stemmer.stems(alt), surface: alt, weight: synonymWeight))
            }
        }
        return QueryConcept(label: word, count: 1, terms: dedupe(terms))
    }

    /// fastest → fast, easiest → easy, biggest → big, larger → large. Comparatives in -er only in a
    /// question that compares, since most -er words are nouns.
    static func gradedBases(of word: String, comparison: Bool) -> [String] {
        if let irregular = irregularBase[word] { return [irregular] }
        guard word.count >= 5, word.allSatisfy(\.isLetter), !notGraded.contains(word) else { return [] }
        var bases: [String] = []
        func addStripping(_ suffix: String) {
            guard word.hasSuffix(suffix) else { return }
            let stem = String(word.dropLast(suffix.count))
            guard stem.count >= 2 else { return }
            if stem.hasSuffix("i") { bases.append(String(stem.dropLast()) + "y") }   // easiest → easy
            bases.append(stem)                                                      // fastest → fast
            bases.append(stem + "e")                                                // largest → large
            if let last = stem.last, let prev = stem.dropLast().last, last == prev, !"aeiou".contains(last) {
                bases.append(String(stem.dropLast()))                               // biggest → big
            }
        }
        addStripping("est")
        if comparison && bases.isEmpty { addStripping("er") }
        return bases
    }

    static func detectComparison(raw: [String], lower: String) -> Bool {
        if raw.contains("vs") || raw.contains("versus") || raw.contains("than") || raw.contains("compare")
            || raw.contains("compared") || raw.contains("comparison") || raw.contains("difference") {
            return true
        }
        if raw.first == "which" || raw.contains("which") && raw.contains("or") { return true }
        return raw.contains { w in
            w.count >= 5 && !notGraded.contains(w) && (w.hasSuffix("est") || w.hasSuffix("ier"))
        }
    }

    /// The type of what is asked. People state their situation first and ask last ("My second call to
    /// basicConfig() does nothing. How can I make it replace …?", "… while re.search finds it. Why?"):
    /// when the first sentence does not tell, the last one that does decides.
    static func questionType(of question: String, raw: [String], lower: String) -> AnswerType {
        let whole = detectAnswerType(raw: raw, lower: lower)
        guard whole == .other else { return whole }
        let sentences = question.split(omittingEmptySubsequences: true) { ".?!;".contains($0) }
        guard sentences.count > 1 else { return whole }
        // Of several questions, the first asks what the rest elaborate ("What's the difference between A
        // and B? When does each get released?"); the story before a question ("My call does nothing. How
        // do I…?") is read from the end.
        var questions: [Substring] = []
        var start = question.startIndex
        for i in question.indices where ".?!;".contains(question[i]) {
            if question[i] == "?" { questions.append(question[start..<i]) }
            start = question.index(after: i)
        }
        if questions.count > 1 {
            for sentence in questions {
                let words = Tokenizer.words(String(sentence))
                let type = detectAnswerType(raw: words, lower: sentence.lowercased())
                if type != .other { return type }
                if asksForDifference(words) { return .comparison }
            }
        }
        for sentence in sentences.reversed() {
            let type = detectAnswerType(raw: Tokenizer.words(String(sentence)), lower: sentence.lowercased())
            if type != .other { return type }
        }
        return whole
    }

    /// "the difference between", "differences between", "how does A compare".
    static func asksForDifference(_ words: [String]) -> Bool {
        for (i, w) in words.enumerated() where ["difference", "differences", "differ"].contains(w) {
            if i + 1 < words.count, words[i + 1] == "between" { return true }
        }
        return words.contains("compare") || words.contains("compared")
    }

    static let limitWords: Set<String> = ["limit", "limits", "maximum", "max", "minimum", "min", "largest",
                                          "biggest", "smallest", "longest", "cap"]

    static func detectAnswerType(raw: [String], lower: String) -> AnswerType {
        guard let first = raw.first else { return .other }
        let second = raw.count > 1 ? raw[1] : ""
        // "Since which version …", "in what year …": the preposition only frames the question word.
        if ["since", "in", "from", "as", "until", "starting", "by"].contains(first),
           ["which", "what", "when"].contains(second) {
            return detectAnswerType(raw: Array(raw.dropFirst()), lower: lower)
        }
        // "which Python version", "what PostgreSQL release": the thing asked for comes a word later.
        let timeWords: Set<String> = ["version", "versions", "year", "release", "date"]
        if ["which", "what"].contains(first), raw.count > 2, timeWords.contains(second) || timeWords.contains(raw[2]) {
            return .time
        }
        // "What's the safe way to …", "is there a way to …", "best way to …": a request for steps.
        let opening = Array(raw.prefix(7))
        if ["what", "is", "which", "whats", "best", "any", "the", "a"].contains(first),
           let w = opening.firstIndex(where: { $0 == "way" || $0 == "ways" }), w + 1 < opening.count, opening[w + 1] == "to" {
            return .procedure
        }
        if first == "how" {
            if ["many", "much", "fast", "quickly", "big", "large", "long", "often", "old"].contains(second) {
                return .quantity
            }
            return .procedure
        }
        if first == "why" { return .reason }
        if first == "when" { return .time }
        if first == "who" { return .entity }
        if raw.contains("vs") || raw.contains("versus") { return .comparison }
        if first == "which" {
            if ["version", "year", "release"].contains(second) { return .time }
            let superlative = raw.contains { $0.count >= 5 && $0.hasSuffix("est") && !notGraded.contains($0) }
            let comparative = raw.contains { $0.count >= 5 && $0.hasSuffix("er") && !notGraded.contains($0) }
            return superlative || irregularBase[raw.dropFirst().first { !stopwords.contains($0) } ?? ""] != nil
                || comparative && (raw.contains("or") || raw.contains("than")) ? .comparison : .entity
        }
        // "What's the largest number I can store …", "what is the maximum length …".
        if first == "what" || first == "whats", raw.dropFirst().prefix(3).contains(where: { limitWords.contains($0) }) {
            return .quantity
        }
        if first == "what" {
            if ["percentage", "percent", "share", "number", "proportion", "size", "numeric", "value"].contains(second) {
                return .quantity
            }
            if ["version", "year", "date"].contains(second) { return .time }
            if ["is", "are"].contains(second) && raw.count <= 5 { return .definition }
            return .other
        }
        // "Is there a size limit on …", "is there a maximum …": the answer is the limit, a number.
        if first == "is" || first == "are", second == "there",
           raw.prefix(6).contains(where: { limitWords.contains($0) }) {
            return .quantity
        }
        if ["is", "are", "does", "do", "can", "should", "will", "was", "has", "have"].contains(first) {
            return .yesNo
        }
        if lower.hasPrefix("define ") || lower.hasPrefix("explain ") { return .definition }
        return .other
    }
}
