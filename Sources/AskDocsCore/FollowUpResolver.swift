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

    /// The question a follow-up stands for: a name that is a sibling of a name in the previous question
    /// takes its place ("what does flask give you out of the box?" + "and Django?" → "… django …");
    /// otherwise the follow-up's words are added to the previous question ("which is fastest?" + "what
    /// about with a database?" → "which is fastest? with a database"). Anything else is returned as asked.
    public static func resolve(_ question: String, previous: String?,
                               alternatives: [String: Set<String>] = [:]) -> String {
        guard let previous, !previous.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return question }
        guard let rest = remainder(ofFollowUp: question) else { return standaloneText(question) }
        // The follow-up's own words as typed (its last `rest.count` tokens), minus fillers.
        let typed = Tokenizer.tokens(question).suffix(rest.count)
            .filter { !QueryAnalyzer.stopwords.contains($0.text) && !pronouns.contains($0.text) }
            .map { (folded: $0.text, surface: String(question[$0.range])) }
        guard !typed.isEmpty else { return previous }
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
