// The body of POST /api/ask and the limits on what a caller may ask: decoded and checked here, outside the
// HTTP layer, so that the checks are tested and fuzzed without a server (Fuzz/Sources/AskBodyFuzzer).

import AskDocsCore
import Foundation

public struct AskRequest: Decodable, Sendable, Equatable {
    public var question: String
    public var history: [ConversationTurn]?

    public init(question: String, history: [ConversationTurn]? = nil) {
        self.question = question
        self.history = history
    }

    public static let maxQuestionCharacters = 1_000
    /// Four times the longest answer AskDocs composes; a client may send back what it showed.
    public static let maxAnswerCharacters = 2_000
    /// The chat page sends the last six turns; follow-ups only ever look at the latest few.
    public static let maxHistoryTurns = 10
    /// The largest body these limits allow, each character at its longest in JSON (a code point outside
    /// the BMP escaped as two `\uXXXX`, 12 bytes), with room for the keys and punctuation: every request
    /// the OpenAPI schema accepts fits, so a larger body is never a valid one.
    public static let maxBodyBytes: Int = {
        let characters = maxQuestionCharacters + maxHistoryTurns * (maxQuestionCharacters + maxAnswerCharacters)
        return characters * 12 + 64 * 1024
    }()

    /// Why a request is refused; the HTTP layer answers 400 with `message`.
    public struct Invalid: Error, Equatable, Sendable {
        public var message: String
    }

    /// Decodes a body and checks it: a non-blank question within the limit, at most `maxHistoryTurns`
    /// turns, each within the limits.
    public static func parse(_ body: Data) throws(Invalid) -> AskRequest {
        let request: AskRequest
        do {
            request = try JSONDecoder().decode(AskRequest.self, from: body)
        } catch {
            throw Invalid(message: "the body must be JSON {\"question\": str, \"history\": [{\"question\": str, \"answer\": str}]?}")
        }
        let history = request.history ?? []
        guard history.count <= maxHistoryTurns else {
            throw Invalid(message: "history holds at most \(maxHistoryTurns) turns")
        }
        _ = try checked(request.question, name: "question")
        for turn in history {
            guard length(turn.question) <= maxQuestionCharacters, length(turn.answer) <= maxAnswerCharacters else {
                throw Invalid(message: "a history turn is too long")
            }
        }
        return request
    }

    /// A text's length as the OpenAPI schema's `maxLength` counts it: in code points. Swift's `count`
    /// counts grapheme clusters, so "\r\n" or a letter with combining accents would count as one and a
    /// body the schema refuses would be accepted.
    static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// `text` if it is present, not blank and within `maxQuestionCharacters` (a question or `q`).
    public static func checked(_ text: String?, name: String) throws(Invalid) -> String {
        // Blank means Unicode's White_Space property only, which the schema's pattern spells out character
        // by character: `\s` differs between regex engines (Python's takes U+001C–U+001F, JavaScript's
        // U+FEFF) and Foundation's whitespace set adds U+200B, so each would disagree with some client.
        guard let text, !text.unicodeScalars.allSatisfy(\.properties.isWhitespace) else {
            throw Invalid(message: "missing or empty `\(name)`")
        }
        guard length(text) <= maxQuestionCharacters else {
            throw Invalid(message: "`\(name)` is over \(maxQuestionCharacters) characters")
        }
        return text
    }
}
