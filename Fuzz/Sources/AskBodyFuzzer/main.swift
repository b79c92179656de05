// Fuzz target: any bytes as the body of POST /api/ask, through the server's own decoding and checks
// (AskRequest.parse) and, when accepted, the engine's ask with that history (FollowUpResolver included),
// without starting a server.

import AskDocsCore
import AskDocsEngine
import Foundation
import FuzzSupport

func fuzzAskBody(_ input: Data) {
    let request: AskRequest
    do {
        request = try AskRequest.parse(input)
    } catch {
        FuzzSupport.require(!error.message.isEmpty, "a refusal without a message")
        return
    }
    let history = request.history ?? []
    FuzzSupport.require(history.count <= AskRequest.maxHistoryTurns, "accepted \(history.count) turns")
    FuzzSupport.require(request.question.count <= AskRequest.maxQuestionCharacters, "accepted a long question")
    do {
        _ = try FuzzSupport.engine.ask(request.question, history: history)
    } catch {
        FuzzSupport.fail("ask threw for an accepted body: \(error)")
    }
}

FuzzSupport.run { data, size in
    fuzzAskBody(FuzzSupport.bytes(data, size))
    return 0
}
