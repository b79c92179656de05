// Counts in the words people read: "1 document", "24 chunks", never "1 documents".

extension Int {
    /// "1 chunk", "2 chunks"; `plural` for nouns that don't take an "s".
    public func counted(_ singular: String, _ plural: String? = nil) -> String {
        "\(self) \(self == 1 ? singular : plural ?? singular + "s")"
    }
}
