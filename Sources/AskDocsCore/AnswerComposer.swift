// Composes the answer from ranked passages: scores every sentence (or code block, or table row) of the
// top passages for how much of the question it covers, the answer type it has, and its passage's rank;
// quotes the best one or two; cites their sections; abstains when the evidence does not cover the question.

import Foundation

public struct AnswerParameters: Sendable, Equatable {
    /// How many top passages to read sentences from (8 rather than 5: one fewer false abstention on the
    /// PostgreSQL set, the others unchanged).
    public var passagesToRead = 8
    /// Abstain below this idf-weighted coverage of the question by the best evidence.
    public var abstainBelow = 0.365
    /// A question of more concepts than this (a story around the question: "my loop calls sock.recv(4096)
    /// and it suddenly starts…") needs less of them covered: the threshold falls as (pivot / n)^0.5.
    /// (A pivot of 6, with the English-word rule: false abstentions on the four documentation sets
    /// 17 → 4 of 128, no unanswerable question lost.)
    public var abstainConceptPivot = 6.0
    public var maxAnswerCharacters = 500
    /// A second sentence is added when it scores at least this share of the first.
    public var secondSentenceShare = 0.85
    /// The same for the sentence right before or after the first, which reads on from it.
    public var adjacentSentenceShare = 0.75
    public var passageRankWeight = 0.8
    public var headingShare = 0.6
    /// A code block answers "how do I…"; for other questions it matches many words and explains nothing.
    public var codeOutsideHowToPenalty = 0.3
    /// A first sentence shorter than this (or ending in ":") is continued by the sentences after it, and a
    /// quote still shorter by the one before it in its paragraph. (260 → 300: PostgreSQL set 9 → 10 of
    /// 32, the others unchanged; flat up to 450. Reading back: python-stdlib 19 → 20, celery 7 → 8, seed
    /// post 10 → 11, nothing lost; the same at 200 and 400.)
    public var continueBelowCharacters = 300
    /// A sentence about a sibling of the asked thing keeps this share of its score.
    public var siblingSubjectFactor = 0.5
    /// Abstain when a word of the question is in no chunk of the corpus ("JIT" in a corpus that never
    /// says it): whatever the best passage says of the other words, it cannot be about that.
    public var abstainOnUnknownWord = true
    /// With the sentence model, such a word counts only if at least this share of the question's meaning
    /// rests on it (ConceptSalience, among the words that tell chunks apart): "tornado" in "is tornado
    /// faster than fastapi" carries the most, "fires" in "…a worker that mostly fires off thousands of
    /// HTTP requests" 0.06. (0.5 / 0.75: 7 / 5 of 192 answerable questions wrongly abstained, 43 / 42 of 48
    /// unanswerable abstained; Tests/QA/README.md.)
    public var unknownWordSalience = 0.75
    /// An answer-or-abstain model to use instead of the word rules when passages carry their similarity to
    /// the question (`ASKDOCS_ABSTENTION`, scripts/fit_abstention.py). None by default: fitted and measured
    /// leave-one-set-out, it wrongly abstained less (21 → 7 of 204 answerable questions) but abstained on
    /// fewer unanswerable ones (45 → 37 of 50) than the rules; see Tests/QA/README.md.
    public var abstention: AbstentionModel?
    public init() {}
    public static let `default` = AnswerParameters()

    public func abstainThreshold(concepts: Int) -> Double {
        abstainBelow * min(1, (abstainConceptPivot / Double(max(concepts, 1))).squareRoot())
    }
}

public enum AnswerComposer {
    public static func compose(question: String, query: AnalyzedQuery, passages: [RankedPassage],
                               statistics: CorpusStatistics, alternatives: [String: Set<String>] = [:],
                               absentIdentifiers: [String] = [],
                               followingChunks: [Int64: Candidate] = [:],
                               parameters p: AnswerParameters = .default) -> Answer {
        var abstentionEvidence: AbstentionEvidence?
        func abstain(_ considered: [ScoredSentence], coverage: Double) -> Answer {
            var answer = Answer(question: question, text: "I couldn't find that in the corpus.", abstained: true, citations: [],
                                passages: passages, consideredSentences: considered, evidenceCoverage: coverage)
            answer.abstentionEvidence = abstentionEvidence
            return answer
        }
        guard !query.concepts.isEmpty, let top = passages.first else { return abstain([], coverage: 0) }
        // With similarities, the fitted model weighs all the evidence; without, the word rules decide.
        let model = top.features["similarity"] != nil ? p.abstention : nil
        // A word written as a name, or an identifier (`pool_maxsize`), that the corpus never has.
        let unknownWord = !unknownWords(query: query, statistics: statistics, salientAt: p.unknownWordSalience).isEmpty
        let unknownName = p.abstainOnUnknownWord && (!absentIdentifiers.isEmpty || unknownWord)
        if unknownName && model == nil { return abstain([], coverage: 0) }
        let topScore = max(top.score, 1e-9)
        let termIndex = ConceptMatcher.TermIndex(query.concepts)
        let reading = Array(passages.prefix(p.passagesToRead))
        // Asked names with siblings in parallel headings (Flask beside Django and FastAPI).
        let askedNames = AskedNames(query: query, alternatives: alternatives)
        let isEntity = askedNames.isName
        // Such a name picks out its own sections even when it is in every chunk (a one-post corpus about
        // all three): weigh it by how rare it is among headings.
        var weights = ConceptWeights(query: query, statistics: statistics)
        if isEntity.contains(true) {
            weights = ConceptWeights(weights: zip(weights.weights, query.concepts.indices).map { w, i in
                guard isEntity[i], let stem = query.concepts[i].terms.first?.stems.first else { return w }
                return max(w, statistics.headingIDF(stem) * Double(query.concepts[i].count))
            })
        }

        let literals = query.codeLiterals
        // Each unit is tokenized and stemmed once; every later check reads `stemmed`.
        var considered: [(ScoredSentence, AnswerUnit, [Double], stemmed: StemmedText)] = []
        for (pi, passage) in reading.enumerated() {
            let cand = passage.candidate
            let contextPresence = Self.contextPresence(query: query, candidate: cand, statistics: statistics)
            let entryPresence = Self.entryPresence(query: query, candidate: cand, termIndex: termIndex)
            let passagePrior = passage.score / topScore
            var subjects = SubjectTracker(askedWords: askedNames.askedWords, names: askedNames.names,
                                          siblings: askedNames.siblings,
                                          heading: StemmedText(cand.headingPath.last ?? ""),
                                          headingStatesQuestion: contextPresence.contains { $0 > 0 })
            var previous: (ordinal: Int, presence: [Double])?
            for unit in SentenceSplitter.units(of: cand.text, kind: cand.kind) {
                // An entry's signature is its heading, not an answer: its words reach the entry's sentences
                // through `contextPresence`, and the answer leads with it (`underEntry`).
                if unit.text == cand.entry { continue }
                let stemmed = StemmedText(unit.text)
                guard stemmed.count > 0 else { continue }
                var presence = ConceptMatcher.presence(
                    of: query.concepts, in: ConceptMatcher.occurrences(of: query.concepts, in: stemmed, using: termIndex))
                let ownPresence = presence
                // "This is also known as UPSERT" says what the sentence before it says: the two are read as
                // one statement (and quoted together, below).
                if unit.kind == .prose, Self.continuesPrevious(stemmed), let previous,
                   previous.ordinal == unit.ordinal - 1 {
                    presence = zip(presence, previous.presence).map(max)
                }
                previous = unit.kind == .prose ? (unit.ordinal, ownPresence) : nil
                let subject = subjects.next(unit.kind == .prose ? stemmed : nil)
                // What a sentence is about decides whether it speaks of the asked name, not the mention.
                for i in presence.indices where isEntity[i] {
                    if subject == .sibling { presence[i] = 0 }
                    if subject == .askedByPronoun { presence[i] = 1 }
                }
                // A sentence of an API entry's description is about the entry ("New in version 3.10." under
                // itertools.pairwise), as a pronoun's sentence is about what it refers to.
                if let entryPresence { presence = zip(presence, entryPresence).map(max) }
                let blended = zip(presence, contextPresence).map { max($0, p.headingShare * $1) }
                let own = weights.coverage(presence)
                let coverage = weights.coverage(blended)
                let typeBonus = AnswerTypeScorer.bonus(for: query, unit: unit, stems: stemmed) + subject.bonus
                    + (subjects.sectionNamesAsked ? SubjectTracker.askedSectionBonus : 0)
                let exact = exactPhraseBonus(query: query, unit: stemmed)
                    + rowLabelBonus(query: query, unit: unit, weights: weights, termIndex: termIndex)
                    + literalBonus(literals, in: unit.text, entry: cand.entry)
                let lengthPenalty = lengthPenalty(words: stemmed.count, kind: unit.kind)
                    + (unit.kind == .code && query.answerType != .procedure ? p.codeOutsideHowToPenalty : 0)
                var score = own + 0.5 * coverage + p.passageRankWeight * passagePrior + typeBonus + exact
                    - lengthPenalty
                if subject == .sibling { score *= p.siblingSubjectFactor }
                let s = ScoredSentence(text: unit.text, passageIndex: pi, score: score, coverage: coverage,
                                       features: ["own": own, "withHeadings": coverage, "passage": passagePrior,
                                                  "type": typeBonus, "exact": exact, "length": -lengthPenalty])
                considered.append((s, unit, presence, stemmed))
            }
        }
        considered.sort { $0.0.score > $1.0.score }
        let sentences = considered.map(\.0)
        guard let best = considered.first else { return abstain(sentences, coverage: 0) }

        // Evidence: what the best sentence and its passage together say of the question.
        let bestPassage = reading[best.0.passageIndex]
        let found = max(best.0.coverage, min(bestPassage.features["coverage"] ?? 0, best.0.coverage + 0.25))
        // A word no chunk holds that is the asker's English ("run a fastapi app *locally*"), and a name of
        // the asker's own code (`shipment_lines`, whatever words of the corpus it is made of), are ways of
        // putting the question no passage can cover: the evidence is judged on the rest of it.
        let unreachable = query.concepts.indices.filter { i in
            let label = query.concepts[i].label
            return query.askersOwnNames.contains(label)
                || statistics.holdsNone(of: query.concepts[i]) && isAskersEnglish(label, in: query.text)
        }.map { weights.weights[$0] }.reduce(0, +)
        let evidence = unreachable > 0 && weights.total > unreachable
            ? min(1, found * weights.total / (weights.total - unreachable)) : found
        let threshold = p.abstainThreshold(concepts: query.concepts.count)
        // A word read as another ("twine" as "twice") stands for the word asked only if the evidence says
        // the correction: otherwise the question's own word is in no chunk, and the answer is about the
        // rest of it.
        let evidenceConcepts = Set(bestPassage.matchedConcepts)
        // The corpus itself says the reading of a misspelt word of its subject ("celry" put to Celery's
        // docs): a word in half the chunks or more, whether or not the best passage repeats it.
        let unsupportedCorrection = query.corrections.contains { correction in
            guard !evidenceConcepts.contains(correction.readAs) else { return false }
            return query.concepts.first { $0.label == correction.readAs }.map(statistics.tellsChunksApart) ?? true
        }
        abstentionEvidence = AbstentionEvidence(
            coverageMargin: evidence - threshold, topSimilarity: top.features["similarity"] ?? 0,
            bestSimilarity: reading.compactMap { $0.features["similarity"] }.max() ?? 0,
            absentName: !absentIdentifiers.isEmpty, unknownWord: unknownWord,
            unsupportedCorrection: unsupportedCorrection, concepts: query.concepts.count)
        if let model, let abstentionEvidence {
            if model.abstains(abstentionEvidence) { return abstain(sentences, coverage: evidence) }
        } else if evidence < threshold || unsupportedCorrection {
            return abstain(sentences, coverage: evidence)
        }

        // "The difference between random.choices and random.sample": when each compared name has its own
        // entry in the reference, each entry's first sentence, under its signature, is the answer.
        if query.isComparison, let side = entryComparison(query: query, passages: passages,
                                                          limit: p.maxAnswerCharacters) {
            var answer = Answer(question: question, text: side.text, abstained: false, citations: side.citations,
                                passages: passages, consideredSentences: sentences, evidenceCoverage: evidence)
            answer.abstentionEvidence = abstentionEvidence
            return answer
        }

        var picked = [best]
        let bestStems = Set(best.stemmed.stems)
        // The quote's first (step -1) or last (+1) sentence in the best one's passage, and the sentence of
        // that passage beside it on that side: what every reading on or back below extends the quote with.
        func beside(_ step: Int) -> (edge: (ScoredSentence, AnswerUnit, [Double], stemmed: StemmedText),
                                     next: (ScoredSentence, AnswerUnit, [Double], stemmed: StemmedText))? {
            let own = picked.filter { $0.0.passageIndex == best.0.passageIndex }
            guard let edge = step < 0 ? own.min(by: { $0.1.ordinal < $1.1.ordinal })
                                      : own.max(by: { $0.1.ordinal < $1.1.ordinal }),
                  let next = considered.first(where: {
                      $0.0.passageIndex == best.0.passageIndex && $0.1.ordinal == edge.1.ordinal + step
                  }) else { return nil }
            return (edge, next)
        }
        if best.1.kind == .prose {
            // The best eight of the first sentence's own passage: other passages' sentences, however many
            // score in between, are never added.
            for other in considered.dropFirst().filter({ $0.0.passageIndex == best.0.passageIndex }).prefix(8) {
                guard other.1.kind == .prose,
                      other.0.score >= (abs(other.1.ordinal - best.1.ordinal) == 1
                                        ? p.adjacentSentenceShare : p.secondSentenceShare) * best.0.score,
                      best.1.text.count + other.1.text.count + 1 <= p.maxAnswerCharacters else { continue }
                // "This feature is also known as…" without the sentence "this" is: not on its own.
                if Self.continuesPrevious(other.stemmed), other.1.ordinal - 1 != best.1.ordinal { continue }
                let stems = Set(other.stemmed.stems)
                let overlap = Double(stems.intersection(bestStems).count) / Double(max(stems.count, 1))
                // Only a sentence that says something of the question the first one does not.
                let addsConcept = zip(other.2, best.2).contains { $0 > $1 }
                if overlap < 0.6 && addsConcept { picked.append(other); break }
            }
        }
        // A short first sentence, or one that announces what follows ("…, gather them in a collection:"),
        // reads on into the next ones of its passage: the detail is usually there.
        if best.1.kind == .prose, picked.count == 1 {
            let followers = considered.filter {
                $0.0.passageIndex == best.0.passageIndex && $0.1.kind == .prose && $0.1.ordinal > best.1.ordinal
            }.sorted { $0.1.ordinal < $1.1.ordinal }
            var length = best.1.text.count
            var last = best
            for next in followers.prefix(2) {
                guard next.1.ordinal == last.1.ordinal + 1, next.1.paragraph == last.1.paragraph,
                      length < p.continueBelowCharacters || last.1.text.hasSuffix(":"),
                      length + 1 + next.1.text.count <= p.maxAnswerCharacters else { break }
                picked.append(next)
                length += 1 + next.1.text.count
                last = next
            }
        }
        // An answer cannot open on "This is also known as UPSERT": the sentence "this" is, goes first, and
        // so on back while that one points back too ("…coerced to strings. As a result of this, … That is, …").
        if best.1.kind == .prose {
            for _ in 0..<2 {
                guard let (first, before) = beside(-1), Self.continuesPrevious(first.stemmed),
                      before.1.kind == .prose,
                      picked.reduce(0, { $0 + 1 + $1.1.text.count }) + before.1.text.count <= p.maxAnswerCharacters
                else { break }
                picked.append(before)
            }
        }
        // A sentence opening on "This", "It", "Instead"… continues the last one quoted; without it the
        // answer stops short of what "this" is ("…building indexes without locking out writes." then "This
        // method is invoked by specifying the CONCURRENTLY option").
        if best.1.kind == .prose {
            var length = picked.reduce(-1) { $0 + 1 + $1.1.text.count }
            for _ in 0..<2 {
                guard let (_, next) = beside(1),
                      next.1.kind == .prose, Self.continuesPrevious(next.stemmed),
                      length + 1 + next.1.text.count <= p.maxAnswerCharacters else { break }
                picked.append(next)
                length += 1 + next.1.text.count
            }
        }
        // The documentation asks the question itself ("Will the later steps of the SELECT see the changes?")
        // and answers it next ("The answer is that this behavior is undefined."): a quoted question is
        // never where the answer stops.
        if best.1.kind == .prose {
            var length = picked.reduce(-1) { $0 + 1 + $1.1.text.count }
            for _ in 0..<3 {
                guard let (last, next) = beside(1), last.1.text.hasSuffix("?"),
                      next.1.kind == .prose, next.1.paragraph == last.1.paragraph,
                      length + 1 + next.1.text.count <= p.maxAnswerCharacters else { break }
                picked.append(next)
                length += 1 + next.1.text.count
            }
        }
        // A quote still short reads back one sentence into its paragraph: what leads up to a statement is
        // often its reason ("The event loop only keeps weak references to tasks." before "A task that
        // isn't referenced elsewhere may get garbage collected at any time"). Not past the sentence a
        // "this" of the quote stands for, which already opens it.
        let quoted = picked.reduce(-1) { $0 + 1 + $1.1.text.count }
        if best.1.kind == .prose, quoted < p.continueBelowCharacters,
           !picked.contains(where: { Self.continuesPrevious($0.stemmed) }),
           let (first, before) = beside(-1),
           before.1.kind == .prose, before.1.paragraph == first.1.paragraph,
           quoted + 1 + before.1.text.count <= p.maxAnswerCharacters {
            picked.append(before)
        }
        picked.sort { $0.1.ordinal < $1.1.ordinal }
        var text = picked.map(\.1.text).joined(separator: best.1.kind == .prose ? " " : "\n")
        var code = best.1.kind == .code ? [text] : []
        // "…, you can import it and use it like this:" announces the example that follows it, in the next
        // chunk of the section: the answer shows it instead of stopping on the colon.
        let announcesExample = best.1.kind == .prose && picked.last.map { last in
            last.0.passageIndex == best.0.passageIndex && last.1.text.hasSuffix(":")
                && !considered.contains { $0.0.passageIndex == best.0.passageIndex && $0.1.ordinal > last.1.ordinal }
        } == true
        // "Which has a built-in admin?" answered by a yes/no row: name the columns that say yes.
        if best.1.kind == .tableRow, [.entity, .comparison].contains(query.answerType),
           let row = TableRowAnswer(best.1.text), let answer = row.yesAnswer {
            text = answer
        }
        var citedPassages = [best.0.passageIndex]
        // A comparison whose best sentence gives no figures: add the sentence that states figures for
        // every compared thing, cited to its own section.
        if query.isComparison, !query.comparedEntities.isEmpty,
           !picked.contains(where: { Self.statesFigures(for: query.comparedEntities, in: $0.stemmed) }),
           let figures = considered.prefix(12).first(where: {
               $0.1.kind == .prose && Self.statesFigures(for: query.comparedEntities, in: $0.stemmed)
                   && $0.0.coverage >= 0.3
           }), text.count + figures.1.text.count + 1 <= p.maxAnswerCharacters {
            text += " " + figures.1.text
            if !citedPassages.contains(figures.0.passageIndex) { citedPassages.append(figures.0.passageIndex) }
        }
        if best.1.kind == .prose, let entry = reading[best.0.passageIndex].candidate.entry {
            text = Self.underEntry(text, entry: entry, limit: p.maxAnswerCharacters)
        }
        if announcesExample, citedPassages == [best.0.passageIndex],
           let example = followingChunks[reading[best.0.passageIndex].candidate.chunkID], example.kind != .prose,
           let shown = Self.lines(of: example.text, fitting: p.maxAnswerCharacters - text.count - 1,
                                  about: Self.exampleWords(question: query.contentWords,
                                                           announcing: picked.last?.1.text ?? "")) {
            text += "\n" + shown
            if example.kind == .code { code.append(shown) }
        }
        if text.count > p.maxAnswerCharacters { text = truncate(text, to: p.maxAnswerCharacters) }
        let citations = citedPassages.map { i -> Citation in
            let cand = reading[i].candidate
            return Citation(source: cand.source, title: cand.title, section: cand.sectionLabel, anchor: cand.anchor, url: cand.url)
        }
        var answer = Answer(question: question, text: text, abstained: false, citations: citations, passages: passages,
                            consideredSentences: sentences, evidenceCoverage: evidence)
        answer.abstentionEvidence = abstentionEvidence
        answer.code = code.filter { !$0.isEmpty && text.contains($0) }
        return answer
    }

    /// The words an example's lines are chosen by: the question's (1), and those the sentence announcing
    /// the example adds (2: it names what the example shows).
    static func exampleWords(question: [String], announcing: String) -> [String: Int] {
        var out = Dictionary(question.map { ($0, 1) }, uniquingKeysWith: max)
        for word in Tokenizer.words(announcing) where out[word] == nil && !QueryAnalyzer.stopwords.contains(word) {
            out[word] = 2
        }
        return out
    }

    /// `text` whole when it fits in `room` characters; otherwise the run of whole statements that fits
    /// and writes the most of the words weighed in `about` (the question's, and twice as much those the
    /// announcing sentence adds: the line that makes the `RotatingFileHandler`, not the imports above
    /// it), earliest on a tie, with "…" for what is left out. Nil when not even one line fits.
    static func lines(of text: String, fitting room: Int, about weights: [String: Int]) -> String? {
        if text.count <= room { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lineWords = lines.map { Set(Tokenizer.words($0)).intersection(weights.keys) }
        // Brackets each line opens minus those it closes: a run that leaves one open stops mid-call.
        let depth = lines.map { line in
            line.reduce(0) { $0 + ("([{".contains($1) ? 1 : ")]}".contains($1) ? -1 : 0) }
        }
        var best: (start: Int, end: Int, score: Int)?
        for start in lines.indices {
            var length = start > 0 ? 2 : 0
            var end = start
            var found = Set<String>()
            var open = 0
            var bestHere: (end: Int, score: Int)?
            while end < lines.count {
                let more = lines[end].count + (end > start ? 1 : 0) + (end + 1 < lines.count ? 2 : 0)
                guard length + more <= room else { break }
                length += lines[end].count + (end > start ? 1 : 0)
                found.formUnion(lineWords[end])
                open += depth[end]
                end += 1
                // Whole statements first: a run ending inside brackets counts as finding nothing.
                let score = open == 0 ? 1 + found.reduce(0) { $0 + weights[$1, default: 0] } : 0
                if score >= (bestHere?.score ?? 0) { bestHere = (end, score) }
            }
            if let here = bestHere, here.score > (best?.score ?? -1) { best = (start, here.end, here.score) }
        }
        guard let best else { return nil }
        var shown = Array(lines[best.start..<best.end])
        while let last = shown.last, last.trimmingCharacters(in: .whitespaces).isEmpty { shown.removeLast() }
        while let first = shown.first, first.trimmingCharacters(in: .whitespaces).isEmpty { shown.removeFirst() }
        guard !shown.isEmpty else { return nil }
        return (best.start > 0 ? "…\n" : "") + shown.joined(separator: "\n") + (best.end < lines.count ? "\n…" : "")
    }

    /// A sentence from an API entry's description ("Return the value of a performance counter …") means
    /// little without the entry's signature: lead with it, or with its name when the whole signature does
    /// not fit.
    static func underEntry(_ text: String, entry: String, limit: Int) -> String {
        if text.hasPrefix(entry + " ") { return entry + " — " + text.dropFirst(entry.count + 1) }
        if text.hasPrefix(entry) { return text }
        // A long signature (a dozen keyword arguments) would bury the sentence: its name is enough.
        let lead = entry.count <= maxSignatureCharacters ? entry : entryName(entry) + (entry.contains("(") ? "()" : "")
        if text.count + lead.count + 3 <= limit { return lead + " — " + text }
        return text
    }

    static let maxSignatureCharacters = 90

    /// "class profile.Profile(timer=None, …)" → "profile.Profile": the words before the parameters,
    /// without a leading "class", "async" or the like.
    static func entryName(_ entry: String) -> String {
        let head = entry.prefix { $0 != "(" }
        let words = head.split(separator: " ")
        return String(words.last ?? head)
    }

    /// One sentence per compared name, each from the entry that name has among the passages (the first
    /// sentence of its description, under its signature), or nil unless every compared name has one.
    static func entryComparison(query: AnalyzedQuery, passages: [RankedPassage],
                                limit: Int) -> (text: String, citations: [Citation])? {
        guard query.comparedEntities.count >= 2 else { return nil }
        var parts: [(text: String, citation: Citation)] = []
        let asked = Tokenizer.words(query.text)
        for entity in query.comparedEntities {
            // The name as asked ("choices", not "choice", though both stem alike).
            let spellings = Set(asked.filter { Stemmer.stem($0) == entity })
            // The entry's earliest chunk among the passages (chunk ids follow document order): its
            // description opens there; a later chunk opens on version notes or asides.
            let chunks = passages.map(\.candidate).filter { cand in
                guard cand.kind == .prose, let entry = cand.entry,
                      let last = entryName(entry).split(separator: ".").last else { return false }
                return spellings.contains(String(last).lowercased())
            }
            guard let cand = chunks.min(by: { $0.chunkID < $1.chunkID }), let entry = cand.entry else { return nil }
            let units = SentenceSplitter.units(of: cand.text, kind: .prose)
            guard let first = units.first(where: {
                $0.text != entry && !AnswerTypeScorer.isVersionNote(StemmedText($0.text))
            }) else { return nil }
            // The rest of the description's first paragraph, while this name's share of the answer allows:
            // "… with replacement." then "Used for random sampling without replacement."
            let share = limit / query.comparedEntities.count
            var text = first.text
            for next in units where next.paragraph == first.paragraph && next.ordinal > first.ordinal {
                guard underEntry(text + " " + next.text, entry: entry, limit: share).count <= share else { break }
                text += " " + next.text
            }
            parts.append((underEntry(text, entry: entry, limit: share),
                          Citation(source: cand.source, title: cand.title, section: cand.sectionLabel, anchor: cand.anchor, url: cand.url)))
        }
        var text = parts.map(\.text).joined(separator: " ")
        if text.count > limit { text = truncate(text, to: limit) }
        var citations: [Citation] = []
        for part in parts where !citations.contains(part.citation) { citations.append(part.citation) }
        return (text, citations)
    }

    /// The question's words that no chunk holds, in none of their variants, where that absence tells. With
    /// the sentence model's salience: a word the question rests on (at least `share` of its meaning), unless
    /// an English suffix says it is the asker's wording ("locally"). By
    /// words alone: a word written as a name ("JIT", "Poetry", "CPython"), or any word once the corpus is
    /// large enough that ordinary English is all in it. ("suits" is in no chunk of a one-post corpus, and
    /// tells nothing.) Numbers and words with digits are left out: "001" is not how a table writes 1; so
    /// are names of the asker's own code (`load_vendor_rows`), which no documentation holds.
    public static func unknownWords(query: AnalyzedQuery, statistics: CorpusStatistics,
                                    salientAt share: Double = AnswerParameters.default.unknownWordSalience) -> [String] {
        let absent = query.concepts.indices.filter { i in
            let concept = query.concepts[i]
            return !concept.label.contains(where: \.isNumber)
                && !TypoCorrector.isQuotedAlone(concept.label, in: query.text)
                && statistics.holdsNone(of: concept)
                && !query.askersOwnNames.contains(concept.label)
        }
        // The sentence model tells a missing thing from the asker's own words: what the question rests on.
        if let salience = query.salience, salience.count == query.concepts.count {
            return absent.filter { salience[$0] >= share && !isAskersEnglish(query.concepts[$0].label, in: query.text) }
                .map { query.concepts[$0].label }
        }
        let large = statistics.chunkCount >= largeCorpusChunks
        return absent.map { query.concepts[$0] }.filter { concept in
            isWrittenAsName(concept.label, in: query.text) || large && !isEnglish(concept.label, query: query)
        }.map(\.label)
    }

    static let largeCorpusChunks = 2_000

    /// Whether a word no chunk holds is the asker's English rather than a thing the corpus lacks. In the
    /// story around the question ("I heard the ones for amended commits get dropped sooner", "We ran a
    /// code formatter over the repo"), a word the dictionary accepts is; in the sentence that asks ("…
    /// upload my package to PyPI with twine?"), an English word can still name the tool asked about, and
    /// only its suffix ("suddenly", "halfway") says it is English.
    static func isEnglish(_ word: String, query: AnalyzedQuery) -> Bool {
        if looksLikeEnglishWord(word) { return true }
        guard let english = query.englishWords, english.contains(word) else { return false }
        return !askingWords(of: query.text).contains(word)
    }

    /// The words of the sentences that ask (end in "?"), or of the whole text when none does.
    static func askingWords(of text: String) -> Set<String> {
        let asking = SentenceSplitter.sentences(text).filter {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"'”’)] ")).hasSuffix("?")
        }
        return Set(Tokenizer.words(asking.isEmpty ? text : asking.joined(separator: " ")))
    }

    /// A word built with an English suffix ("halfway", "suddenly", "retrying") is the asker's way of
    /// saying something, not the name of a thing the corpus lacks (pgvector, etcd).
    static func looksLikeEnglishWord(_ word: String) -> Bool {
        return word.count >= 6 && englishSuffixes.contains { word.hasSuffix($0) }
    }
    /// A word built with an English suffix and not written as a name ("locally", "sluggishness"; not
    /// "Poetry"): however much the question rests on it, it is how the asker puts things.
    static func isAskersEnglish(_ label: String, in question: String) -> Bool {
        looksLikeEnglishWord(label) && !isWrittenAsName(label, in: question)
    }
    static let englishSuffixes = ["ly", "ness", "ment", "ful", "less", "ous", "ive", "able", "ible", "tion", "sion",
                                  "ward", "wards", "wise", "way", "ing", "ed"]

    /// Whether the question writes the word with a capital inside it (JIT, CPython) or at its start
    /// anywhere but the question's first word (Poetry).
    public static func isWrittenAsName(_ label: String, in question: String) -> Bool {
        let words = question.split { !$0.isLetter && !$0.isNumber }
        for (i, word) in words.enumerated() where word.lowercased() == label {
            if word.dropFirst().contains(where: \.isUppercase) { return true }
            if i > 0, word.first?.isUppercase == true { return true }
        }
        return false
    }

    /// Concepts the name of the passage's definition-list entry states (its name, not its parameters), or
    /// nil outside an entry.
    static func entryPresence(query: AnalyzedQuery, candidate: Candidate,
                              termIndex: ConceptMatcher.TermIndex) -> [Double]? {
        guard let entry = candidate.entry else { return nil }
        let name = StemmedText(entryName(entry))
        return ConceptMatcher.presence(
            of: query.concepts, in: ConceptMatcher.occurrences(of: query.concepts, in: name, using: termIndex))
    }

    /// Concepts the passage's title or headings state, counted only where such a match is telling (a word
    /// in every title of a one-document corpus is not). A sentence inherits these: "It ships with Jinja2"
    /// under "What Is Flask?" is about Flask.
    static func contextPresence(query: AnalyzedQuery, candidate: Candidate, statistics: CorpusStatistics) -> [Double] {
        let title = StemmedText(candidate.title)
        let headings = StemmedText(candidate.headingPath.joined(separator: " . "))
        return query.concepts.map { concept in
            var best = 0.0
            for term in concept.terms {
                if !ConceptMatcher.positions(of: term, in: headings).isEmpty,
                   statistics.headingIDF(ofPhrase: term.stems) > 0.5 {
                    best = max(best, term.weight)
                }
                if !ConceptMatcher.positions(of: term, in: title).isEmpty,
                   statistics.titleIDF(ofPhrase: term.stems) > 0.5 {
                    best = max(best, term.weight)
                }
            }
            return best
        }
    }

    /// Words that open a sentence that leans on the one before it.
    static let referringOpeners: Set<String> = ["this", "these", "that", "those", "it", "such", "thus", "hence",
                                                "therefore", "instead", "otherwise", "consequently"]

    /// "As a result of this", "For this reason", "In that case": a preposition, then a word that points back.
    static let referringPrepositions: Set<String> = ["as", "because", "for", "in", "due", "after", "despite", "besides",
                                                     "unlike", "like", "without", "with"]
    static let pointers: Set<String> = ["this", "that", "these", "those", "it"]

    static func continuesPrevious(_ unit: StemmedText) -> Bool {
        guard let first = unit.tokens.first?.text else { return false }
        if referringOpeners.contains(first) { return true }
        return referringPrepositions.contains(first)
            && unit.tokens.dropFirst().prefix(4).contains { pointers.contains($0.text) }
    }

    /// Whether a sentence names every compared thing and holds a figure.
    static func statesFigures(for entities: [String], in unit: StemmedText) -> Bool {
        guard unit.tokens.contains(where: { $0.text.contains(where: \.isNumber) }) else { return false }
        return entities.allSatisfy(unit.stems.contains)
    }

    /// Bigrams of the question's own words found in the same order and form earn a little: an exact
    /// "webhook handler" is better evidence than "webhook handlers".
    static func exactPhraseBonus(query: AnalyzedQuery, unit: StemmedText) -> Double {
        let words = query.contentWords
        guard words.count >= 2, unit.tokens.count >= 2 else { return 0 }
        let tokens = unit.tokens
        var hits = 0
        for i in 0..<(words.count - 1) {
            for k in 0..<(tokens.count - 1) where tokens[k].text == words[i] && tokens[k + 1].text == words[i + 1] {
                hits += 1
                break
            }
        }
        return 0.08 * Double(min(hits, 4))
    }

    /// A sentence that writes what the question writes as code, character for character, is about that
    /// very thing: stemming reads `__name__` as "name", which is in every other sentence.
    /// A sentence of an API entry writes it through the entry's name.
    /// The entry a sentence describes counts double: under `work_mem (integer)`, "The default value is four
    /// megabytes" is about work_mem; a sentence that mentions work_mem is about something else.
    static func literalBonus(_ literals: [String], in text: String, entry: String?) -> Double {
        guard !literals.isEmpty else { return 0 }
        let name = entry.map { entryName($0).lowercased() } ?? ""
        let lower = text.lowercased()
        var bonus = 0.0
        for literal in literals {
            if !name.isEmpty, containsWord(literal, in: name) { bonus += 0.2 }
            else if containsWord(literal, in: lower) { bonus += 0.1 }
        }
        return min(0.3, bonus)
    }

    /// Whether `literal` occurs in `text` with no letter, digit or underscore right before or after it:
    /// `functools.partial` is not in `functools.partialmethod`.
    static func containsWord(_ literal: String, in text: String) -> Bool {
        func isWordByte(_ b: UInt8) -> Bool { b == 95 || (b >= 48 && b <= 57) || (b | 32 >= 97 && b | 32 <= 122) || b >= 128 }
        let t = Array(text.utf8), l = Array(literal.utf8)
        guard !l.isEmpty, t.count >= l.count else { return false }
        var i = 0
        while i + l.count <= t.count {
            if t[i] == l[0], t[i..<(i + l.count)].elementsEqual(l),
               i == 0 || !isWordByte(t[i - 1]) || !isWordByte(l[0]),
               i + l.count == t.count || !isWordByte(t[i + l.count]) || !isWordByte(l[l.count - 1]) {
                return true
            }
            i += 1
        }
        return false
    }

    /// A table row whose label states the whole question ("Built-in Admin" for "which has a built-in
    /// admin?") is the most precise answer a "which" question can get.
    static func rowLabelBonus(query: AnalyzedQuery, unit: AnswerUnit, weights: ConceptWeights,
                              termIndex: ConceptMatcher.TermIndex) -> Double {
        guard unit.kind == .tableRow, [.entity, .comparison].contains(query.answerType),
              let row = TableRowAnswer(unit.text) else { return 0 }
        let label = StemmedText(row.label)
        let presence = ConceptMatcher.presence(
            of: query.concepts, in: ConceptMatcher.occurrences(of: query.concepts, in: label, using: termIndex))
        return weights.coverage(presence) >= 0.99 ? 0.25 : 0
    }

    static func lengthPenalty(words: Int, kind: BlockKind) -> Double {
        if kind != .prose { return 0 }
        if words < 5 { return 0.3 }
        if words > 60 { return 0.002 * Double(words - 60) }
        return 0
    }

    static func truncate(_ text: String, to limit: Int) -> String {
        let cut = text.prefix(limit - 1)
        if let space = cut.lastIndex(where: \.isWhitespace) { return String(cut[..<space]) + "…" }
        return String(cut) + "…"
    }
}

/// Rewards answer units that hold what the question type asks for.
public enum AnswerTypeScorer {
    static let timelessPenalty = 0.15

    static func namesNotAsked(in text: String, query: AnalyzedQuery) -> Int {
        let asked = Set(query.contentWords)
        var names = Set<String>()
        var sentenceStart = true
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let letters = word.trimmingCharacters(in: .punctuationCharacters)
            if !sentenceStart, let first = letters.first, first.isUppercase, letters.count > 1,
               !asked.contains(letters.lowercased()) {
                names.insert(letters)
            }
            sentenceStart = word.last.map { ".!?:".contains($0) } ?? false
        }
        return names.count
    }

    /// "New in version 3.10.", "Changed in version 3.8: …", "Deprecated since version 3.12", "Added in 2.4".
    static func isVersionNote(_ stems: StemmedText) -> Bool {
        let tokens = stems.tokens
        guard tokens.count >= 3, ["new", "added", "changed", "deprecated"].contains(tokens[0].text) else { return false }
        return ["version", "in", "since"].contains(tokens[1].text)
    }
    /// Whether the text has a capitalised name, or "version"/"release", right before a number: "PostgreSQL 12",
    /// "Python 3.11", "version 15".
    static func namesRelease(_ text: String) -> Bool {
        let words = text.split { $0 == " " || $0 == "\n" }
        for i in words.indices.dropFirst() {
            let number = words[i].trimmingCharacters(in: CharacterSet(charactersIn: ".,;:)"))
            guard let first = number.first, first.isNumber, number.allSatisfy({ $0.isNumber || $0 == "." }) else { continue }
            let before = words[i - 1]
            if ["version", "release", "versions", "releases"].contains(before.lowercased()) { return true }
            if let initial = before.first, initial.isUppercase, before.count >= 3, before.allSatisfy(\.isLetter) { return true }
        }
        return false
    }

    static let reasonMarkers = ["because", "since", "due to", "so that", "reason", "therefore", "thanks to"]

    static let units: Set<String> = ["ms", "s", "kb", "mb", "gb", "x", "req", "million", "billion", "percent",
                                     "seconds", "second", "minutes", "hours", "days", "users", "websites"]
    static let procedureVerbs: Set<String> = ["use", "run", "install", "add", "create", "call", "set", "extend",
                                              "pass", "import"]

    /// Checks run on the unit's tokens (already folded), not with regular expressions: this runs for
    /// every sentence of the passages read.
    public static func bonus(for query: AnalyzedQuery, unit: AnswerUnit, stems: StemmedText) -> Double {
        let tokens = stems.tokens
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        let hasNumber = tokens.contains { $0.text.utf8.contains(where: isDigit) }
        switch query.answerType {
        case .quantity:
            guard hasNumber else { return 0 }
            if unit.text.contains("%") { return 0.2 }
            for (i, t) in tokens.enumerated() where t.text.utf8.contains(where: isDigit) {
                // "60ms", "2x" or "440 req", "2 million".
                let suffix = String(t.text.drop { $0.isNumber })
                if units.contains(suffix) || (i + 1 < tokens.count && units.contains(tokens[i + 1].text)) { return 0.2 }
            }
            return 0.15
        case .time:
            // Reference docs date an API with a note: "New in version 3.10.", "Changed in version 3.8:",
            // "Deprecated since version 3.12", "Added in 2.4".
            if isVersionNote(stems) { return 0.3 }
            for t in tokens where t.text.utf8.count == 4 && t.text.utf8.allSatisfy(isDigit) {
                if let year = Int(t.text), (1800...2099).contains(year) { return 0.15 }
            }
            // A version such as 5.0 or v2.1: digits, a dot, digits.
            let bytes = Array(unit.text.utf8)
            for i in bytes.indices.dropFirst().dropLast() where bytes[i] == 46 && isDigit(bytes[i - 1]) && isDigit(bytes[i + 1]) {
                return 0.15
            }
            // A release named by its product: "removed in PostgreSQL 12", "since Python 3".
            if namesRelease(unit.text) { return 0.15 }
            // "When" is not answered by a sentence without a date or a version, however many words it shares.
            return -timelessPenalty
        case .reason:
            let lower = unit.text.lowercased()
            return reasonMarkers.contains { lower.contains($0) } ? 0.15 : 0
        case .procedure:
            if unit.kind == .code { return 0.1 }
            return tokens.contains { procedureVerbs.contains($0.text) } ? 0.05 : 0
        case .comparison:
            // The deciding sentence names the things compared and, best, gives figures for them.
            let named = query.comparedEntities.filter { stems.stems.contains($0) }.count
            let all = !query.comparedEntities.isEmpty && named == query.comparedEntities.count
            return (hasNumber ? 0.1 : 0) + (all ? 0.15 : 0)
        case .entity:
            // "Who uses FastAPI?" is answered by names: capitalised words past a sentence's first word that
            // the question does not already say ("Microsoft uses it …, Uber relies on it …").
            return min(0.2, 0.05 * Double(namesNotAsked(in: unit.text, query: query)))
        case .yesNo, .definition, .other:
            return 0
        }
    }
}

/// Whom each sentence of a passage is about, judged by its first word: a sentence opening on the asked
/// name is about it; one opening on a sibling (a name that takes the asked one's place in parallel
/// headings: Django for a question on Flask) is about that sibling, even when it mentions the asked name
/// ("Django takes the opposite approach of Flask"); a pronoun continues the previous sentence's subject,
/// or the section's. Other names stay neutral: "Pinterest built … with Flask, and Airbnb uses it" does
/// answer a question about Airbnb and Flask.
struct SubjectTracker {
    enum Subject: Equatable {
        case asked, askedByPronoun, sibling, neutral
        var bonus: Double {
            switch self {
            case .asked: 0.05
            case .askedByPronoun: 0.1
            case .sibling, .neutral: 0
            }
        }
    }

    static let pronouns: Set<String> = ["it", "they", "its", "their"]
    static let leadingFillers: Set<String> = ["the", "a", "an"]

    /// The first word of each asked concept: a sentence opening on one is about it.
    let askedWords: Set<String>
    /// Asked names that have siblings; a section whose heading names a sibling and none of these is
    /// about the sibling.
    let names: Set<String>
    let siblings: Set<String>
    /// The section's own subject, for pronouns with nothing before them.
    let sectionSubject: Subject
    /// The section's heading names an asked name ("What Is Flask?"): its sentences are the primary
    /// source on it.
    let sectionNamesAsked: Bool
    static let askedSectionBonus = 0.1
    var previous: Subject?

    init(askedWords: Set<String>, names: Set<String>, siblings: Set<String>, heading: StemmedText,
         headingStatesQuestion: Bool) {
        self.askedWords = askedWords
        self.names = names
        self.siblings = siblings
        let stems = Set(heading.stems)
        sectionNamesAsked = !stems.isDisjoint(with: names)
        if !stems.isDisjoint(with: siblings) && stems.isDisjoint(with: names) {
            sectionSubject = .sibling
        } else {
            sectionSubject = headingStatesQuestion ? .askedByPronoun : .neutral
        }
    }

    /// The subject of the next unit in reading order (nil for a code block or table row, which ends a run
    /// of prose).
    mutating func next(_ unit: StemmedText?) -> Subject {
        guard let unit, let first = unit.tokens.firstIndex(where: { !Self.leadingFillers.contains($0.text) }) else {
            previous = nil
            return .neutral
        }
        let subject: Subject
        if Self.pronouns.contains(unit.tokens[first].text) {
            switch previous {
            case .asked?, .askedByPronoun?: subject = .askedByPronoun
            case .sibling?: subject = .sibling
            default: subject = sectionSubject
            }
        } else if siblings.contains(unit.stems[first]) {
            subject = .sibling
        } else if askedWords.contains(unit.stems[first]) {
            subject = .asked
        } else {
            subject = .neutral
        }
        previous = subject
        return subject
    }
}
