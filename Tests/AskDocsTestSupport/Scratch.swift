// The test process's scratch folder, shared by the test targets: every index file and corpus a test makes
// goes under it, and it is removed when the process exits, so that test runs leave nothing in /tmp.

import Foundation

public enum Scratch {
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("askdocs-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Scratch.root) }
        return url
    }()

    /// A fresh path under the scratch folder (not created).
    public static func path(_ prefix: String, suffix: String = "") -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)\(suffix)")
    }
}
