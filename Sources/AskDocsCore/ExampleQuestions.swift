// The example questions a new user is offered (the chat page's suggestions), made from the corpus' own
// section headings, so that they are answerable by construction and say what the corpus is about.

import Foundation

public enum ExampleQuestions {
    /// Up to `count` suggestions from heading paths ("A › B", spread over the corpus): headings that ask a
    /// question come first, as asked ("What Is Flask?"); the others as a topic ("Real-World Benchmark
    /// With Database Calls"). A subtitle after ":" or " — " is dropped, and headings that read as API
    /// names or are very short or long are skipped.
    public static func pick(from headingPaths: [String], count: Int = 4) -> [String] {
        var questions: [String] = [], topics: [String] = []
        var seen: Set<String> = []
        for path in headingPaths {
            guard let heading = path.components(separatedBy: " › ").last else { continue }
            var text = heading.trimmingCharacters(in: .whitespaces)
            let asks = text.firstIndex(of: "?")
            if let asks {
                // The clause that asks: "Learning Curve: Which One Is Easiest to Learn?" → "Which One Is…?"
                text = String(text[...asks])
                if let r = text.range(of: ": ", options: .backwards) { text = String(text[r.upperBound...]) }
            }
            for separator in [": ", " — ", " - "] where asks == nil {
                if let r = text.range(of: separator) { text = String(text[..<r.lowerBound]) }
            }
            let words = text.split(separator: " ")
            guard (2...9).contains(words.count),
                  !text.contains(where: { "()_=<>/\\[]{}".contains($0) }),
                  text.filter(\.isLetter).count * 10 >= text.count * 7,
                  seen.insert(text.lowercased()).inserted else { continue }
            if asks != nil { questions.append(text) } else { topics.append(text) }
        }
        return Array((spread(questions, count) + spread(topics, count)).prefix(count))
    }

    /// `n` items taken evenly through `items`, in order.
    static func spread(_ items: [String], _ n: Int) -> [String] {
        guard items.count > n, n > 0 else { return items }
        return (0..<n).map { items[$0 * items.count / n] }
    }
}
