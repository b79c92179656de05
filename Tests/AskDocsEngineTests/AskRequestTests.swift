// POST /api/ask's body checks (AskRequest.parse), which the HTTP layer answers with 400 and the message.

import AskDocsCore
import AskDocsEngine
import Foundation
import Testing

@Suite struct AskRequestTests {
    func refusal(_ body: String) -> String? {
        do {
            _ = try AskRequest.parse(Data(body.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func acceptsAQuestionWithOrWithoutHistory() throws {
        #expect(try AskRequest.parse(Data(#"{"question": "which is fastest?"}"#.utf8))
                == AskRequest(question: "which is fastest?", history: nil))
        let followUp = try AskRequest.parse(Data(#"{"question": "and Django?", "history": [{"question": "q", "answer": "a"}]}"#.utf8))
        #expect(followUp.history == [ConversationTurn(question: "q", answer: "a")])
    }

    @Test func refusesWithOneLineReasons() {
        #expect(refusal("{not json")?.hasPrefix("the body must be JSON") == true)
        #expect(refusal(#"{"question": "x", "history": [{"question": "a"}]}"#)?.hasPrefix("the body must be JSON") == true)
        #expect(refusal(#"{"question": " \n "}"#) == "missing or empty `question`")
        #expect(refusal(#"{"question": "\#(String(repeating: "é", count: 1_001))"}"#) == "`question` is over 1000 characters")
        let turn = #"{"question": "q", "answer": "a"}"#
        let turns = Array(repeating: turn, count: AskRequest.maxHistoryTurns + 1).joined(separator: ",")
        #expect(refusal(#"{"question": "x", "history": [\#(turns)]}"#) == "history holds at most \(AskRequest.maxHistoryTurns) turns")
        let long = String(repeating: "a", count: AskRequest.maxAnswerCharacters + 1)
        #expect(refusal(#"{"question": "x", "history": [{"question": "q", "answer": "\#(long)"}]}"#) == "a history turn is too long")
    }

    /// Blank is Unicode's White_Space, as the schema's pattern lists it, not any regex engine's `\s`.
    @Test func blankIsUnicodeWhiteSpaceAsTheSchemaSpellsIt() {
        #expect(refusal(#"{"question": "\u0085\u00a0\u2028\u3000\t"}"#) == "missing or empty `question`")
        for notBlank in [#"\u001c"#, #"\u200b"#, #"\ufeff"#, #"\u180e"#] {
            #expect(refusal(#"{"question": "\#(notBlank)"}"#) == nil, "\(notBlank)")
        }
    }

    /// The schema's maxLength counts code points; "\r\n" is one Swift Character but two code points, and
    /// "e" with a combining accent likewise (found by schemathesis: a longer body was accepted).
    @Test func countsCodePointsAsTheSchemaDoes() {
        let crlf = String(repeating: #"\r\n"#, count: AskRequest.maxAnswerCharacters / 2) + "x"
        #expect(refusal(#"{"question": "x", "history": [{"question": "q", "answer": "\#(crlf)"}]}"#) == "a history turn is too long")
        let accented = String(repeating: "e\u{301}", count: AskRequest.maxQuestionCharacters / 2) + "x"
        #expect(refusal(#"{"question": "\#(accented)"}"#) == "`question` is over 1000 characters")
        let fits = String(repeating: "e\u{301}", count: AskRequest.maxQuestionCharacters / 2)
        #expect(refusal(#"{"question": "\#(fits)"}"#) == nil)
    }
}
