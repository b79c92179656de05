// Whether a word is correctly spelled English, by Hunspell and the system's en_US dictionary (Debian
// `hunspell-en-us`): a question word no chunk holds is a typo to correct only when it is misspelled
// ("scienfific", "Djnago", "colour"), and a missing name only when it is not ordinary English ("heard",
// "formatter" and "probe" are none of the corpus's business; "pgvector" is).

import CHunspell
import Foundation
import Synchronization

public final class SpellChecker: Sendable {
    /// Where the dictionary is, nil when none was found.
    public let dictionary: String?
    /// Hunspell's handle, made on the first word asked about (reading the dictionary takes ~50 ms, more
    /// than a whole `askdocs ask` otherwise: most questions have no word the corpus lacks, and never pay
    /// it). It keeps scratch state per call: one caller at a time.
    private let handle = Mutex<(made: Bool, pointer: OpaquePointer?)>((false, nil))

    /// Folders Debian, Fedora and Homebrew put Hunspell's dictionaries in, and `ASKDOCS_DICTIONARY` (a
    /// path without `.aff`/`.dic`) first.
    static func candidatePaths(environment: [String: String]) -> [String] {
        var paths: [String] = []
        if let own = environment["ASKDOCS_DICTIONARY"], !own.isEmpty { paths.append(own) }
        for folder in ["/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts",
                       "/usr/local/share/hunspell", "/opt/homebrew/share/hunspell"] {
            paths.append(folder + "/en_US")
        }
        return paths
    }

    /// The checker over the first dictionary found; without one, `accepts` answers nil and AskDocs falls
    /// back to judging words by their suffixes.
    public init(paths: [String]? = nil) {
        let fm = FileManager.default
        dictionary = (paths ?? Self.candidatePaths(environment: ProcessInfo.processInfo.environment)).first {
            fm.isReadableFile(atPath: $0 + ".aff") && fm.isReadableFile(atPath: $0 + ".dic")
        }
    }

    deinit {
        handle.withLock { state in
            if let h = state.pointer { Hunspell_destroy(h) }
        }
    }

    /// The process's checker.
    public static let english = SpellChecker()

    /// Whether `word` is correctly spelled, nil without a dictionary.
    public func accepts(_ word: String) -> Bool? {
        guard let dictionary else { return nil }
        return handle.withLock { state -> Bool? in
            if !state.made { state = (true, Hunspell_create(dictionary + ".aff", dictionary + ".dic")) }
            guard let h = state.pointer else { return nil }
            return Hunspell_spell(h, word) != 0
        }
    }

    /// Of `words`, those the dictionary accepts; nil without a dictionary.
    public func englishWords(among words: [String]) -> Set<String>? {
        guard dictionary != nil else { return nil }
        return Set(words.filter { accepts($0) == true })
    }
}
