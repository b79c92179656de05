// Lists a corpus folder's files with size and mtime, without following symbolic links (a link could
// lead outside the corpus or into a loop) and skipping hidden files and folders.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct CorpusFile: Sendable, Equatable {
    /// Relative to the corpus root, `/`-separated: the document's `source`.
    public var relativePath: String
    public var absolutePath: String
    public var size: Int64
    public var mtime: Double
}

public struct SkippedFile: Sendable, Equatable, Codable {
    public var path: String
    public var reason: String

    /// The reason without its particulars, for counting: "unsupported type .css", "Sphinx page source",
    /// "duplicate", "unreadable".
    public var category: String {
        let cut = [reason.range(of: " ("), reason.range(of: ": ")].compactMap { $0?.lowerBound }.min()
        return cut.map { String(reason[..<$0]) } ?? reason
    }

    /// Whether the skip says something went wrong with the file (a person should look), rather than that
    /// it is not a page to index (another type, a generator's output, a duplicate, excluded).
    public var isProblem: Bool {
        ["unreadable", "binary content, not text", "too large", "empty file", "no text found", "cannot stat",
         "unreadable folder", "name is not valid UTF-8, not read"].contains(category)
    }
}

public enum CorpusScanner {
    public static func scan(root: String) throws -> (files: [CorpusFile], skipped: [SkippedFile]) {
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw EngineError.corpusMissing(root)
        }
        var files: [CorpusFile] = []
        var skipped: [SkippedFile] = []
        var stack: [String] = [""]
        while let rel = stack.popLast() {
            let dirPath = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(dirPath) else {
                skipped.append(SkippedFile(path: rel, reason: "unreadable folder: \(String(cString: strerror(errno)))"))
                continue
            }
            var names: [String] = []
            while let entry = readdir(dir) {
                let (name, valid) = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    let bytes = raw.prefix(while: { $0 != 0 })
                    return (String(decoding: bytes, as: UTF8.self), String(validating: bytes, as: UTF8.self) != nil)
                }
                if name == "." || name == ".." || name.hasPrefix(".") { continue }
                // A repaired name would not open; saying so beats a puzzling "cannot stat".
                guard valid else {
                    skipped.append(SkippedFile(path: rel.isEmpty ? name : rel + "/" + name,
                                               reason: "name is not valid UTF-8, not read (rename it to index it)"))
                    continue
                }
                names.append(name)
            }
            // Stat relative to the open folder: a full path is walked component by component each time.
            let fd = dirfd(dir)
            for name in names.sorted() {
                let childRel = rel.isEmpty ? name : rel + "/" + name
                let abs = root + "/" + childRel
                var s = stat()
                guard fstatat(fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0 else {
                    skipped.append(SkippedFile(path: childRel, reason: "cannot stat: \(String(cString: strerror(errno)))"))
                    continue
                }
                switch s.st_mode & S_IFMT {
                case S_IFDIR:
                    stack.append(childRel)
                case S_IFREG:
                    let mtime = Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9
                    files.append(CorpusFile(relativePath: childRel, absolutePath: abs, size: Int64(s.st_size), mtime: mtime))
                case S_IFLNK:
                    skipped.append(SkippedFile(path: childRel, reason: "symbolic link, not followed"))
                default:
                    skipped.append(SkippedFile(path: childRel, reason: "not a regular file"))
                }
            }
            closedir(dir)
        }
        files.sort { $0.relativePath < $1.relativePath }
        return (files, skipped)
    }
}
