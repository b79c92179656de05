// Issue #17 on real filesystems: a full disk (a 4 MB tmpfs), a read-only bind mount and a corpus that is
// unmounted. Mounting needs root, which CI has; elsewhere these are skipped, not faked.

import AskDocsTestSupport
import Foundation
import Testing

@Suite(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount"), "mounting needs root"))
struct MountTests {
    let cli = CommandLineTests()

    @discardableResult
    func run(_ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func mounted(_ arguments: [String], at point: URL, _ body: () throws -> Void) throws {
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments + [point.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "mount \(arguments) failed")
        defer { _ = try? run("umount", "-l", point.path) }
        try body()
    }

    /// The disk fills while an update is written: the answer comes from the index as it was, with one
    /// line naming the full disk; `index` says the same in one line and leaves the index whole.
    @Test func aFullDiskStillAnswers() throws {
        let folder = try cli.corpus()
        let disk = Scratch.path("full-disk")
        try mounted(["-t", "tmpfs", "-o", "size=4m", "tmpfs"], at: disk) {
            let index = disk.appendingPathComponent("askdocs.sqlite").path
            #expect(try cli.askdocs(["index", "--no-vectors", "--index", index, "--corpus", folder.path]).status == 0)
            // New pages larger than what is left of the disk.
            for i in 0..<12 {
                let text = "# Page \(i)\n\n" + (0..<900).map { "Sentence \($0) about subject\(i)x\($0) in page \(i)." }.joined(separator: " ")
                try text.write(to: folder.appendingPathComponent("page-\(i).md"), atomically: true, encoding: .utf8)
            }
            let filler = disk.appendingPathComponent("filler")
            try Data(count: 2_600_000).write(to: filler)
            let asked = try cli.askdocs(["search", "--no-vectors", "--index", index, "csrf token"])
            #expect(asked.status == 0)
            #expect(asked.out.contains("csrf_token"), "\(asked.out)")
            #expect(asked.err.contains("is full; free some space"), "\(asked.err)")
            #expect(asked.err.split(separator: "\n").count == 2, "a progress line and one warning: \(asked.err)")
            let indexed = try cli.askdocs(["index", "--no-vectors", "--index", index])
            #expect(indexed.status != 0)
            #expect(indexed.err.contains("is full; free some space") && !indexed.err.contains("SQLite error")
                    && !indexed.err.contains("INSERT"), "\(indexed.err)")
            try FileManager.default.removeItem(at: filler)
            let recovered = try cli.askdocs(["index", "--no-vectors", "--index", index])
            #expect(recovered.status == 0 && recovered.out.contains("index holds 13 documents"), "\(recovered.out)\(recovered.err)")
        }
    }

    /// An index on a read-only mount is searched, read-only, with one line saying so.
    @Test func aReadOnlyMountIsSearched() throws {
        let folder = try cli.corpus()
        let source = Scratch.path("ro-source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let built = source.appendingPathComponent("askdocs.sqlite").path
        #expect(try cli.askdocs(["index", "--no-vectors", "--index", built, "--corpus", folder.path]).status == 0)
        let view = Scratch.path("ro-view")
        try mounted(["--bind", "-o", "ro", source.path], at: view) {
            try run("mount", "-o", "remount,ro,bind", view.path)
            let index = view.appendingPathComponent("askdocs.sqlite").path
            #expect(!FileManager.default.isWritableFile(atPath: view.path) || access(view.path, W_OK) != 0)
            let r = try cli.askdocs(["search", "--no-vectors", "--index", index, "csrf token"])
            #expect(r.status == 0)
            #expect(r.out.contains("csrf_token"), "\(r.out)")
            #expect(r.err.split(separator: "\n").count == 1 && r.err.contains("read-only"), "\(r.err)")
        }
    }

    /// A corpus on a mount that goes away: nothing is removed from the index, the answer comes from it.
    @Test func anUnmountedCorpusWipesNothing() throws {
        let mountPoint = Scratch.path("corpus-mount")
        let index = Scratch.path("unmounted", suffix: ".sqlite").path
        try mounted(["-t", "tmpfs", "-o", "size=4m", "tmpfs"], at: mountPoint) {
            let page = try String(contentsOf: cli.corpus().appendingPathComponent("routes.md"), encoding: .utf8)
            try page.write(to: mountPoint.appendingPathComponent("routes.md"), atomically: true, encoding: .utf8)
            #expect(try cli.askdocs(["index", "--no-vectors", "--index", index, "--corpus", mountPoint.path]).status == 0)
        }
        // Unmounted now: the folder is there, empty.
        let r = try cli.askdocs(["search", "--no-vectors", "--index", index, "csrf token"])
        #expect(r.status == 0 && r.out.contains("csrf_token"), "\(r.out)\(r.err)")
        #expect(r.err.contains("holds no documents now") && r.err.contains("nothing was removed"), "\(r.err)")
        let indexed = try cli.askdocs(["index", "--no-vectors", "--index", index])
        #expect(indexed.status != 0)
        let still = try cli.askdocs(["search", "--no-vectors", "--no-update", "--index", index, "csrf token"])
        #expect(still.out.contains("csrf_token"))
    }
}
