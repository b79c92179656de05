// Reads a table-row unit ("Built-in Admin — Flask: No; Django: Yes; FastAPI: No", as the Chunker writes
// rows) back into its label and cells, so that "which has a built-in admin?" is answered with the column
// that says yes: "Django (Built-in Admin: Yes; Flask: No; FastAPI: No)".

import Foundation

public struct TableRowAnswer: Sendable, Equatable {
    public var label: String
    public var cells: [(header: String, value: String)]

    public static func == (a: TableRowAnswer, b: TableRowAnswer) -> Bool {
        a.label == b.label && a.cells.map(\.header) == b.cells.map(\.header) && a.cells.map(\.value) == b.cells.map(\.value)
    }

    public init?(_ row: String) {
        guard let dash = row.range(of: " — ") else { return nil }
        label = String(row[..<dash.lowerBound]).trimmingCharacters(in: .whitespaces)
        cells = row[dash.upperBound...].components(separatedBy: "; ").compactMap { pair in
            guard let colon = pair.range(of: ": ") else { return nil }
            return (String(pair[..<colon.lowerBound]).trimmingCharacters(in: .whitespaces),
                    String(pair[colon.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        guard !label.isEmpty, cells.count >= 2 else { return nil }
    }

    static let yes: Set<String> = ["yes", "y", "✓", "✔", "✅", "true", "supported", "built-in", "built in", "included"]
    static let no: Set<String> = ["no", "n", "✗", "✘", "❌", "false", "none", "-", "—", "not supported", "n/a"]

    static func kind(_ value: String) -> Bool? {
        let v = value.lowercased()
        if yes.contains(v) || v.hasPrefix("yes ") || v.hasPrefix("yes(") { return true }
        if no.contains(v) || v.hasPrefix("no ") || v.hasPrefix("no(") { return false }
        return nil
    }

    /// For a yes/no row where some but not all columns say yes: those columns first, then the row.
    public var yesAnswer: String? {
        let kinds = cells.map { Self.kind($0.value) }
        guard !kinds.contains(where: { $0 == nil }) else { return nil }
        let yesCells = cells.enumerated().filter { kinds[$0.offset] == true }.map(\.element)
        guard !yesCells.isEmpty, yesCells.count < cells.count else { return nil }
        let rest = cells.enumerated().filter { kinds[$0.offset] == false }.map { "\($0.element.header): \($0.element.value)" }
        let names = yesCells.map(\.header)
        let who = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
        return "\(who) (\(label): \(yesCells[0].value); " + rest.joined(separator: "; ") + ")"
    }
}
