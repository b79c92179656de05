// The JSON every surface prints (`--json`, the HTTP API): the same bytes for the same answer, keys in a
// fixed order, whatever process writes it.

import Foundation
import Testing
@testable import AskDocsCore
@testable import AskDocsEngine

@Suite struct JSONOutputTests {
    /// Each object's keys, in the order the text writes them, for every object in `json`.
    static func keyOrders(_ json: String) -> [[String]] {
        var orders: [[String]] = []
        var stack: [Int] = []  // index into `orders` of each open object; -1 for an array
        var expectingKey = false
        var i = json.startIndex
        while i < json.endIndex {
            let c = json[i]
            switch c {
            case "{":
                orders.append([]); stack.append(orders.count - 1); expectingKey = true
            case "[":
                stack.append(-1); expectingKey = false
            case "}", "]":
                stack.removeLast(); expectingKey = false
            case ",":
                expectingKey = (stack.last ?? -1) >= 0
            case "\"":
                var j = json.index(after: i)
                var text = ""
                while json[j] != "\"" {
                    if json[j] == "\\" { j = json.index(after: j) }
                    text.append(json[j])
                    j = json.index(after: j)
                }
                if expectingKey, let top = stack.last, top >= 0 { orders[top].append(text); expectingKey = false }
                i = j
            default:
                break
            }
            i = json.index(after: i)
        }
        return orders
    }

    @Test func keysAreWrittenInSortedOrder() {
        let candidate = Candidate(chunkID: 7, source: "post.txt", title: "Frameworks", headingPath: ["Speed"],
                                  anchor: "speed", kind: .prose, text: "FastAPI handles 440 requests per second.",
                                  indexScore: 1)
        let passage = RankedPassage(candidate: candidate, score: 1, features: ["coverage": 1], matchedConcepts: ["fast"])
        let answer = Answer(question: "which is fastest?", text: "FastAPI handles 440 requests per second.",
                            abstained: false,
                            citations: [Citation(source: "post.txt", title: "Frameworks", section: "Speed", anchor: "speed",
                                                 url: "https://example.org/post#speed")],
                            passages: [passage], consideredSentences: [], evidenceCoverage: 1)
        let json = JSONOutput.encode(AskResponse(answer, query: QueryAnalyzer.analyze("which is fastest?")))
        let orders = Self.keyOrders(json)
        #expect(orders.count >= 3, "\(json)")
        for keys in orders { #expect(keys == keys.sorted(), "\(keys) in \(json)") }
        #expect(orders.first?.contains("answer") == true && orders.first?.contains("citations") == true)
    }
}
