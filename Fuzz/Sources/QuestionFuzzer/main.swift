// Fuzz target: any bytes as a question, through QueryAnalyzer, FTSExpression (whose MATCH string must be
// quoted terms joined by OR, and must never be a syntax error to SQLite's FTS5), typo correction, ranking
// and answer composition over Corpus/, and FollowUpResolver both as the follow-up and as the question before.

import AskDocsCore
import AskDocsEngine
import AskDocsIndex
import Foundation
import FuzzSupport

nonisolated(unsafe) private var rawIndex: SearchIndex?

/// The terms of `expression` if it is `"term" OR "term" ...` with every inner quote doubled; nil otherwise.
func quotedTerms(_ expression: String) -> [String]? {
    var terms: [String] = []
    var chars = Substring(expression)
    while true {
        guard chars.first == "\"" else { return nil }
        chars = chars.dropFirst()
        var term = ""
        while true {
            guard let c = chars.first else { return nil }
            chars = chars.dropFirst()
            if c == "\"" {
                if chars.first == "\"" { term.append("\""); chars = chars.dropFirst() } else { break }
            } else {
                term.append(c)
            }
        }
        terms.append(term)
        if chars.isEmpty { return terms }
        guard chars.hasPrefix(" OR ") else { return nil }
        chars = chars.dropFirst(4)
    }
}

func fuzzQuestion(_ input: Data) {
    let question = String(decoding: input, as: UTF8.self)
    let query = QueryAnalyzer.analyze(question)
    let surfaces = Set(query.concepts.flatMap(\.terms).map(\.surface))
    if let expression = FTSExpression.render(query) {
        guard let terms = quotedTerms(expression) else {
            FuzzSupport.fail("MATCH expression is not quoted terms joined by OR: \(expression.debugDescription)")
        }
        for term in terms {
            FuzzSupport.require(surfaces.contains(term), "MATCH term \(term.debugDescription) is no term of the query")
        }
        do {
            if rawIndex == nil { rawIndex = try SearchIndex(readingAt: FuzzSupport.indexPath) }
            _ = try rawIndex!.candidates(matching: expression, limit: 5)
        } catch {
            FuzzSupport.fail("FTS5 refused \(expression.debugDescription): \(error)")
        }
    } else {
        FuzzSupport.require(surfaces.isEmpty, "no MATCH expression although the query has terms \(surfaces)")
    }

    let resolved = FollowUpResolver.resolve(question, previous: "what does flask give you out of the box?",
                                            alternatives: ["django": ["flask", "fastapi"]])
    _ = QueryAnalyzer.analyze(resolved)

    let engine = FuzzSupport.engine
    do {
        let (answer, _) = try engine.ask(question)
        FuzzSupport.require(answer.abstained || !answer.citations.isEmpty, "an answer without citations")
        // The question as the previous turn of a follow-up, and followed by one; for a quarter of the
        // inputs (by length, so a crash reproduces), as each ask costs milliseconds.
        guard question.utf8.count % 4 == 0 else { return }
        let previous = [ConversationTurn(question: question, answer: answer.text)]
        _ = try engine.ask("and what about django?", history: previous)
        _ = try engine.ask(question, history: [ConversationTurn(question: "which is fastest with a database?",
                                                                answer: "")])
    } catch {
        FuzzSupport.fail("ask threw for \(question.debugDescription): \(error)")
    }
}

FuzzSupport.run { data, size in
    fuzzQuestion(FuzzSupport.bytes(data, size))
    return 0
}
