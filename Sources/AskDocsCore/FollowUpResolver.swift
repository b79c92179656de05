// Turns a follow-up ("and Django?", "what about with a database?") into the question it stands for, using
// the previous question of the conversation. Pure text work; the caller supplies the sibling names
// (`SiblingHeadings`) that tell "Django" can take "Flask"'s place.

import Foundation

/// One earlier exchange of a conversation.
public struct ConversationTurn: Sendable, Equatable, Codable {
    public var question: String
    public var answer: String
    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

public enum FollowUpResolver {
    /// Openings that mark a question as leaning on the previous one.
    static let leads: [[String]] = [
        ["and", "what", "about"], ["and", "how", "about"], ["what", "about"], ["how", "about"], ["what", "of"],
        ["and", "for"], ["and", "with"], ["and"], ["also"], ["same", "for"], ["same", "with"],
    ]
    static let pronouns: Set<String> = ["it", "its", "that", "this", "they", "them", "those", "one"]
    static let questionWords: Set<String> = ["which", "what", "how", "who", "when", "where", "why"]

    /// Whether `question` needs the previous question to be understood, and what remains of it once its
    /// lead words are taken off.
    public static func remainder(ofFollowUp question: String) -> [String]? {
        let words = Tokenizer.tokens(question).map(\.text)
        guard !words.isEmpty else { return nil }
        for lead in leads where words.starts(with: lead) {
            let rest = Array(words.dropFirst(lead.count))
            // "and which one has a built-in admin?" asks a question of its own: a question word opens it
            // and nothing in it points back ("which one" asks among all, "it" would mean the last answer's
            // subject).
            if let first = rest.first, questionWords.contains(first),
               !rest.indices.dropFirst().contains(where: { pointsBack(rest, at: $0) }),
               QueryAnalyzer.analyze(rest.joined(separator: " ")).contentWords.count >= 1 {
                return nil
            }
            return rest
        }
        // A short question that points back ("is it async?") leans on the last one too.
        let content = QueryAnalyzer.analyze(question).contentWords
        if content.count <= 2, words.contains(where: pronouns.contains), words.count <= 6 { return words }
        // So does a longer one that refers back: "does it hand the freed space back to the OS?", "can I do
        // that inside a transaction?", "is there a cap on how long this wait gets?".
        if refersBack(words) { return words }
        return nil
    }

    /// Whether `words[i]` is a pronoun standing for something said before: "one" but not "which one",
    /// "each one" ("which one has a built-in admin?" asks among all).
    static func pointsBack(_ words: [String], at i: Int) -> Bool {
        guard pronouns.contains(words[i]) else { return false }
        guard words[i] == "one" else { return true }
        return i == 0 || !["which", "each", "every", "any", "no", "some", "the", "this", "that"].contains(words[i - 1])
    }

    /// Personal pronouns, which stand for something said before ("it", "them"), unlike "that", which
    /// mostly opens a clause ("a task that runs too long").
    static let personalPronouns: Set<String> = ["it", "its", "they", "them", "their", "itself", "themselves"]
    /// Every word that stands for something said before, left out of what a follow-up adds.
    static let referring = pronouns.union(personalPronouns)
    /// Determiners that point back at something named before ("this wait", "those files").
    static let pointingBack: Set<String> = ["this", "these", "those"]

    /// Whether the words refer to something the question does not name: a personal pronoun, but not the
    /// "it" of "is it possible to…" (it stands for the "to…" that follows); "this", "these", "those"; "that"
    /// as what is done ("do that", "undo that") or as the question's last word.
    static func refersBack(_ words: [String]) -> Bool {
        for (i, word) in words.enumerated() {
            if personalPronouns.contains(word) {
                let anticipatory = word == "it" && words.dropFirst(i + 1).prefix(2).contains("to")
                if !anticipatory { return true }
            }
            if pointingBack.contains(word) { return true }
            if word == "that", i == words.count - 1 || (i > 0 && ["do", "does", "did", "undo", "redo"].contains(words[i - 1])) {
                return true
            }
        }
        return false
    }

    /// A question that opened with a conversational lead but stands alone, without the lead: "and which
    /// one has a built-in admin?" → "which one has a built-in admin?".
    static func standaloneText(_ question: String) -> String {
        let tokens = Tokenizer.tokens(question)
        let words = tokens.map(\.text)
        for lead in leads where words.starts(with: lead) && words.count > lead.count {
            return String(question[tokens[lead.count].range.lowerBound...])
        }
        return question
    }

    /// Words that turn what follows them into a condition taken away: "and without a database?".
    static let negators: Set<String> = ["without", "no", "not", "excluding", "except"]
    /// Words that attach a condition to a question ("fastest with a database", "over TLS"): English
    /// prepositions, a closed class. Taken away with the condition they introduce.
    static let conditionOpeners: Set<String> = [
        "with", "using", "in", "on", "for", "under", "behind", "via", "over", "through", "at", "by", "from",
        "to", "into", "inside", "within", "across", "during", "after", "before", "per", "and",
    ]

    /// A follow-up that takes a condition of the previous question away ("which is fastest with a
    /// database?" + "and without a database?"): the previous question without it ("which is fastest?"),
    /// not both together, whose words would ask for the database again. Nil when the follow-up negates
    /// nothing the previous question says.
    static func withoutNegatedCondition(_ rest: [String], previous: String) -> String? {
        guard let n = rest.firstIndex(where: negators.contains) else { return nil }
        let negated = Set(rest[(n + 1)...].filter { !QueryAnalyzer.stopwords.contains($0) && !pronouns.contains($0) }
            .map(Stemmer.stem))
        guard !negated.isEmpty else { return nil }
        let tokens = Tokenizer.tokens(previous)
        func isNegated(_ i: Int) -> Bool { negated.contains(Stemmer.stem(tokens[i].text)) }
        // The last run of the negated words, back over the articles and fillers before it to the word that
        // opens the condition ("with a database"); fillers with no such word before them stay.
        guard let last = tokens.indices.last(where: isNegated) else { return nil }
        var start = last
        while start > 0 {
            let before = tokens[start - 1].text
            if isNegated(start - 1) { start -= 1; continue }
            guard QueryAnalyzer.stopwords.contains(before) else { break }
            start -= 1
            if conditionOpeners.contains(before) { break }
        }
        while start < last, !isNegated(start), !conditionOpeners.contains(tokens[start].text) { start += 1 }
        let lower = start > 0 ? tokens[start - 1].range.upperBound : previous.startIndex
        var text = previous
        text.replaceSubrange(lower..<tokens[last].range.upperBound, with: "")
        // What is left must still ask something.
        guard !QueryAnalyzer.analyze(text).contentWords.isEmpty else { return nil }
        return text
    }

    /// The question a follow-up stands for in a conversation (`earlier`: the questions asked before it,
    /// oldest first). The previous question is first read as what it stood for, when it was a follow-up
    /// too: "which is fastest with a database?", "and without a database?", "what about django's
    /// numbers?" asks "which is fastest? django s numbers", not "and without a database? django s
    /// numbers"; "…flask give you…", "and django?", "what about fastapi?" asks "…fastapi give you…".
    /// Looks back at most `depth` turns. `alternatives` gives the sibling names found by searching a
    /// question (the engine's search; a plain function in tests).
    public static func resolve(_ question: String, earlier: [String], depth: Int = 4,
                               alternatives: (String) throws -> [String: Set<String>]) rethrows -> String {
        try reading(question, earlier: earlier, depth: depth, alternatives: alternatives).text
    }

    /// A turn of a conversation as read: `text`, the question it stands for, and `base`, what the next
    /// follow-up that adds words builds on. After "how do I turn a dict into JSON?", "and make it readable
    /// with indentation?" reads as the first question plus its words; "and have the keys sorted?" next
    /// asks about the first question and sorting, not about indentation too: a follow-up that adds words
    /// replaces what the previous follow-up added. One that names a sibling or takes a condition away
    /// reads as a whole question, the base of what follows.
    struct Reading: Equatable {
        var text: String
        var base: String
    }

    static func reading(_ question: String, earlier: [String], depth: Int,
                        alternatives: (String) throws -> [String: Set<String>]) rethrows -> Reading {
        guard depth > 0, let last = earlier.last, let rest = remainder(ofFollowUp: question) else {
            return Reading(text: question, base: question)
        }
        let previous = try reading(last, earlier: Array(earlier.dropLast()), depth: depth - 1,
                                   alternatives: alternatives)
        guard !previous.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return Reading(text: question, base: question)
        }
        return step(question, rest: rest, previous: previous, alternatives: try alternatives(previous.text))
    }

    /// The question a follow-up stands for: in a follow-up that is little more than a name, a sibling of
    /// a name in the previous question takes its place ("what does flask give you out of the box?" + "and
    /// Django?" → "… django …"); a condition the follow-up takes away is taken out of it ("which is
    /// fastest with a database?" + "and without a database?" → "which is fastest?"); otherwise the
    /// follow-up's words, said twice, are added to the previous question ("which is fastest?" + "what
    /// about with a database?" → "which is fastest? with a database with a database"). Anything else is
    /// returned as asked.
    public static func resolve(_ question: String, previous: String?,
                               alternatives: [String: Set<String>] = [:]) -> String {
        guard let previous, !previous.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return question }
        guard let rest = remainder(ofFollowUp: question) else { return standaloneText(question) }
        return step(question, rest: rest, previous: Reading(text: previous, base: previous), alternatives: alternatives).text
    }

    /// One follow-up read against the previous turn; `rest` is what `remainder(ofFollowUp:)` left of it.
    static func step(_ question: String, rest: [String], previous: Reading, alternatives: [String: Set<String>]) -> Reading {
        func whole(_ text: String) -> Reading { Reading(text: text, base: text) }
        // The follow-up's own words as typed (its last `rest.count` tokens), minus fillers.
        let typed = Tokenizer.tokens(question).suffix(rest.count)
            .filter { !QueryAnalyzer.stopwords.contains($0.text) && !referring.contains($0.text) }
            .map { (folded: $0.text, surface: String(question[$0.range])) }
        guard !typed.isEmpty else { return previous }
        if let narrowed = withoutNegatedCondition(rest, previous: previous.text) { return whole(narrowed) }
        // Sibling substitution, on the previous question's own tokens so its wording is kept: only when the
        // follow-up is little more than the name ("and Django?", "what about Django's numbers?"); in a
        // clause of its own ("and get all of their results back?") a word with siblings is not one swapped
        // in for another.
        if typed.count <= 2 {
            let previousTokens = Tokenizer.tokens(previous.text)
            for word in typed {
                guard let siblings = alternatives[Stemmer.stem(word.folded)] else { continue }
                if let replaced = previousTokens.first(where: { siblings.contains(Stemmer.stem($0.text)) }) {
                    var text = previous.text
                    text.replaceSubrange(replaced.range, with: word.surface)
                    let others = typed.filter { $0.folded != word.folded }.map(\.surface)
                    return whole(others.isEmpty ? text : text + " " + others.joined(separator: " "))
                }
            }
        }
        let added = rest.filter { !referring.contains($0) }.joined(separator: " ")
        // Its words said twice: what is asked now weighs twice what the conversation carries over (a word
        // asked twice counts twice), or the earlier question's many words would choose the passage ("…beat
        // run a task every 30 seconds? at sunset" found the 30-second entry, not solar schedules).
        return Reading(text: previous.base + " " + added + " " + added, base: previous.base)
    }
}
