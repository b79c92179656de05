// Recognises the build output of documentation generators from the files they write at a site's root —
// Sphinx's `objects.inv` ("# Sphinx inventory") and `searchindex.js` ("Search.setIndex("), MkDocs'
// `search/search_index.json` — and names the folders of such a site that hold no page a person reads:
// copies of the page sources, theme files, highlighted source code, the search index. Pages that are
// generated rather than written (indexes, search pages, source listings) are told by their content, in
// HTMLReader, wherever they are.

import Foundation

/// A folder of a documentation build that is not content, and why.
public struct GeneratedFolder: Sendable, Equatable {
    /// Relative to the corpus root, ending in `/`.
    public var prefix: String
    public var reason: String
}

public enum GeneratorLayout {
    /// What a generator's site holds besides its pages: folder name → skip reason.
    static let sphinxFolders: [(String, String)] = [
        ("_sources", "Sphinx page source (a copy of a built page's source)"),
        ("_static", "Sphinx static files (theme, scripts, styles)"),
        ("_images", "Sphinx image folder"),
        ("_downloads", "Sphinx downloads folder (files the pages offer for download)"),
        ("_modules", "Sphinx source listing (the package's code, highlighted)"),
    ]
    static let mkdocsFolders: [(String, String)] = [
        ("search", "MkDocs search index"),
        ("assets", "MkDocs theme assets"),
    ]

    /// The generated folders of every generator site found among `files` (paths relative to `root`).
    /// Reads the first bytes of a few marker files only.
    public static func generatedFolders(files: [CorpusFile]) -> [GeneratedFolder] {
        var sphinxRoots = Set<String>()
        var mkdocsRoots = Set<String>()
        for f in files {
            let (folder, name) = split(f.relativePath)
            if name == "objects.inv" && starts(f, with: "# Sphinx inventory")
                || name == "searchindex.js" && starts(f, with: "Search.setIndex(") {
                sphinxRoots.insert(folder)
            } else if name == "search_index.json" {
                let (parent, last) = split(String(folder.dropLast()))
                if last == "search", head(f, 512).contains("\"config\"") { mkdocsRoots.insert(parent) }
            }
        }
        var out: [GeneratedFolder] = []
        for root in sphinxRoots.sorted() {
            out += sphinxFolders.map { GeneratedFolder(prefix: root + $0.0 + "/", reason: $0.1) }
        }
        for root in mkdocsRoots.sorted() {
            out += mkdocsFolders.map { GeneratedFolder(prefix: root + $0.0 + "/", reason: $0.1) }
        }
        return out
    }

    /// The reason `path` lies in a generated folder, if it does.
    public static func reason(for path: String, in folders: [GeneratedFolder]) -> String? {
        folders.first { path.hasPrefix($0.prefix) }?.reason
    }

    /// ("a/b/", "c.html") for "a/b/c.html"; ("", "c.html") at the root.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    static func head(_ file: CorpusFile, _ count: Int) -> String {
        guard let h = FileHandle(forReadingAtPath: file.absolutePath) else { return "" }
        defer { try? h.close() }
        let data = (try? h.read(upToCount: count)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func starts(_ file: CorpusFile, with marker: String) -> Bool {
        head(file, marker.utf8.count).hasPrefix(marker)
    }
}
