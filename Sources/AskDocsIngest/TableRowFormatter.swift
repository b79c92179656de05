// Makes each table row a unit that reads on its own: "Built-in Admin — Flask: No; Django: Yes; FastAPI: No".
// Also recovers the cells of tables that a scraper flattened to space-separated lines.

import Foundation

public enum TableRowFormatter {
    /// A row with its column headers. The first cell labels the row; the others are paired with headers.
    public static func format(headers: [String], cells: [String]) -> String {
        let cells = cells.map { $0.trimmingCharacters(in: .whitespaces) }
        guard cells.count >= 2 else { return cells.joined() }
        let label = cells[0]
        var pairs: [String] = []
        for (i, cell) in cells.enumerated().dropFirst() where !cell.isEmpty {
            let header = i < headers.count ? headers[i].trimmingCharacters(in: .whitespaces) : ""
            pairs.append(header.isEmpty ? cell : "\(header): \(cell)")
        }
        if label.isEmpty { return pairs.joined(separator: "; ") }
        return "\(label) — " + pairs.joined(separator: "; ")
    }

    /// A paragraph of three or more lines whose first line names 3–8 columns in single words and whose
    /// other lines can all be cut into that many cells. Returns the formatted rows, or nil if it is not a table.
    public static func parseSpaceSeparated(_ lines: [String]) -> [String]? {
        guard lines.count >= 3 else { return nil }
        let headers = lines[0].split(separator: " ").map(String.init)
        guard (3...8).contains(headers.count),
              headers.allSatisfy({ $0.count <= 20 && ($0.first?.isUppercase ?? false) }),
              !lines.contains(where: { $0.hasSuffix(".") && $0.split(separator: " ").count > 8 }) else { return nil }
        let rowTokens = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
        guard rowTokens.allSatisfy({ $0.count >= headers.count }) else { return nil }
        // Two passes: cells that stand alone in some row ("No", "Yes") are likely cells in the others too.
        var firstPass: [Set<String>] = []
        for tokens in rowTokens {
            guard let cells = segment(tokens, into: headers.count) else { return nil }
            firstPass.append(Set(cells.dropFirst()))
        }
        var rows: [String] = []
        for (r, tokens) in rowTokens.enumerated() {
            let known = firstPass.enumerated().filter { $0.offset != r }.reduce(into: Set<String>()) { $0.formUnion($1.element) }
            guard let cells = segment(tokens, into: headers.count, knownCells: known) else { return nil }
            rows.append(format(headers: headers, cells: cells))
        }
        return rows
    }

    static let cellStartStopwords: Set<String> = [
        "for", "of", "and", "or", "with", "to", "in", "on", "at", "by", "from", "the", "a", "an", "as", "per", "vs",
    ]

    /// The most plausible cut of a row's words into `n` cells: cells start at a capitalised word or a number,
    /// never at "(" or after "+" or a comma, and the value cells are of similar length.
    static func segment(_ tokens: [String], into n: Int, knownCells: Set<String> = []) -> [String]? {
        let m = tokens.count
        guard n >= 2, m >= n else { return nil }
        func boundaryScore(_ i: Int) -> Double {   // a cell starting at tokens[i]
            let t = tokens[i], prev = tokens[i - 1]
            guard let c = t.first else { return -10 }
            var s: Double
            if c == "(" || c == "+" || c == ")" || c == "&" || c == "/" { s = -6 }
            else if c.isNumber || c == "~" || c == "$" || c == "<" || c == ">" || c == "≈" { s = 2 }
            else if t.count > 1 && t == t.uppercased() && t.contains(where: \.isLetter) { s = 1 }
            else if c.isUppercase { s = 2 }
            else { s = -2 }
            if prev == "+" || prev == "&" || prev == "/" || prev.hasSuffix(",") || prev.lowercased() == "and"
                || prev.lowercased() == "or" { s -= 5 }
            // A cell rarely starts with a function word ("Best For …"); the same word twice running is two cells.
            if cellStartStopwords.contains(t.lowercased()) { s -= 3 }
            if t == prev { s += 2 }
            return s
        }
        var best: (score: Double, cuts: [Int])?
        var cuts: [Int] = []
        func search(_ from: Int, _ remaining: Int, _ score: Double) {
            if remaining == 0 {
                let bounds = [0] + cuts + [m]
                let lengths = (1..<bounds.count).map { bounds[$0] - bounds[$0 - 1] }
                let values = lengths.dropFirst().map(Double.init)
                let mean = values.reduce(0, +) / Double(values.count)
                let spread = values.map { abs($0 - mean) }.reduce(0, +) / Double(values.count)
                let familiar = (2..<bounds.count).filter {
                    knownCells.contains(tokens[bounds[$0 - 1]..<bounds[$0]].joined(separator: " "))
                }.count
                let total = score - spread + 1.5 * Double(familiar)
                if total > (best?.score ?? -.infinity) { best = (total, cuts) }
                return
            }
            guard from <= m - remaining else { return }
            for i in from...(m - remaining) {
                cuts.append(i)
                search(i + 1, remaining - 1, score + boundaryScore(i))
                cuts.removeLast()
            }
        }
        search(1, n - 1, 0)
        guard let found = best, found.score > 0 else { return nil }
        let bounds = [0] + found.cuts + [m]
        return (1..<bounds.count).map { tokens[bounds[$0 - 1]..<bounds[$0]].joined(separator: " ") }
    }
}
