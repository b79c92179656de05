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
               !rest.dropFirst().contains(where: { pronouns.contains($0) && $0 != "one" }),
               QueryAnalyzer.analyze(rest.joined(separator: " ")).contentWords.count >= 1 {
                return nil
            }
            return rest
        }
        // A short question that points back ("is it async?") leans on the last one too.
        let content = QueryAnalyzer.analyze(question).contentWords
        if content.count <= 2, words.contains(where: pronouns.contains), words.count <= 6 { return words }
        return nil
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
        guard depth > 0, let last = earlier.last, remainder(ofFollowUp: question) != nil else { return question }
        let previous = try resolve(last, earlier: Array(earlier.dropLast()), depth: depth - 1,
                                   alternatives: alternatives)
        guard !previous.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return question }
        return resolve(question, previous: previous, alternatives: try alternatives(previous))
    }

    /// The question a follow-up stands for: a name that is a sibling of a name in the previous question
    /// takes its place ("what does flask give you out of the box?" + "and Django?" → "… django …");
    /// a condition the follow-up takes away is taken out of it ("which is fastest with a database?" + "and
    /// without a database?" → "which is fastest?"); otherwise the follow-up's words are added to the
    /// previous question ("which is fastest?" + "what about with a database?" → "which is fastest? with a
    /// database"). Anything else is returned as asked.
    public static func resolve(_ question: String, previous: String?,
                               alternatives: [String: Set<String>] = [:]) -> String {
        guard let previous, !previous.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return question }
        guard let rest = remainder(ofFollowUp: question) else { return standaloneText(question) }
        // The follow-up's own words as typed (its last `rest.count` tokens), minus fillers.
        let typed = Tokenizer.tokens(question).suffix(rest.count)
            .filter { !QueryAnalyzer.stopwords.contains($0.text) && !pronouns.contains($0.text) }
            .map { (folded: $0.text, surface: String(question[$0.range])) }
        guard !typed.isEmpty else { return previous }
        if let narrowed = withoutNegatedCondition(rest, previous: previous) { return narrowed }
        // Sibling substitution, on the previous question's own tokens so its wording is kept.
        let previousTokens = Tokenizer.tokens(previous)
        for word in typed {
            guard let siblings = alternatives[Stemmer.stem(word.folded)] else { continue }
            if let replaced = previousTokens.first(where: { siblings.contains(Stemmer.stem($0.text)) }) {
                var text = previous
                text.replaceSubrange(replaced.range, with: word.surface)
                let others = typed.filter { $0.folded != word.folded }.map(\.surface)
                return others.isEmpty ? text : text + " " + others.joined(separator: " ")
            }
        }
        return previous + " " + rest.filter { !pronouns.contains($0) }.joined(separator: " ")
    }
}
