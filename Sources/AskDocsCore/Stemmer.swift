// Porter stemming through Snowball's C library (Debian libstemmer), the algorithm SQLite's `porter`
// tokenizer applies, so stems computed here line up with the terms in the FTS5 index.

import CStemmer
import Synchronization

public enum Stemmer {
    private struct State: ~Copyable {
        var handle: OpaquePointer?
        var cache: [String: String] = [:]
    }

    private static let state = Mutex(State(handle: sb_stemmer_new("porter", "UTF_8")))

    /// The Porter stem of an already folded (lower-case) word. Words with digits are kept as they are,
    /// as SQLite's porter tokenizer does for tokens that are not purely alphabetic ASCII.
    public static func stem(_ word: String) -> String {
        guard word.utf8.count > 2, word.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return word }
        return state.withLock { st in
            if let hit = st.cache[word] { return hit }
            guard let h = st.handle else { return word }
            let stemmed: String = word.withCString { ptr in
                ptr.withMemoryRebound(to: UInt8.self, capacity: word.utf8.count) { bytes in
                    guard let out = sb_stemmer_stem(h, bytes, Int32(word.utf8.count)) else { return word }
                    let len = Int(sb_stemmer_length(h))
                    return String(decoding: UnsafeBufferPointer(start: out, count: len), as: UTF8.self)
                }
            }
            if st.cache.count > 200_000 { st.cache.removeAll(keepingCapacity: true) }
            st.cache[word] = stemmed
            return stemmed
        }
    }

    public static func stems(_ text: String) -> [String] { Tokenizer.words(text).map(stem) }
}
