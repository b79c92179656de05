// What the fuzz targets share: the one index over the repository's Corpus/ that questions are asked of
// (built once per process in a temporary folder), and failing loudly on a broken invariant.

import AskDocsCore
import AskDocsEngine
import AskDocsIngest
import CLibFuzzer
import Foundation

public enum FuzzSupport {
    /// The repository's Corpus/ folder (this file lives in Fuzz/Sources/FuzzSupport/).
    public static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    /// A temporary folder per process, removed at exit (libFuzzer runs millions of inputs in one process,
    /// so this is made once).
    public static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("askdocs-fuzz-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: FuzzSupport.scratch) }
        return url
    }()

    /// The index file over Corpus/, built on first use.
    public static let indexPath: String = {
        let path = scratch.appendingPathComponent("corpus.sqlite").path
        do {
            let engine = try Engine(indexPath: path, corpusPath: corpus.path)
            _ = try engine.reindex(full: true)
            let counts = try engine.counts()
            require(counts.chunks > 0, "the fuzz index over \(corpus.path) holds no chunks")
        } catch {
            fail("cannot build the fuzz index over \(corpus.path): \(error)")
        }
        return path
    }()

    /// libFuzzer's entry points are called on one thread; the engine is not Sendable, so it is kept per
    /// process behind `nonisolated(unsafe)`, which that single thread makes sound.
    nonisolated(unsafe) private static var sharedEngine: Engine?

    public static var engine: Engine {
        if let sharedEngine { return sharedEngine }
        do {
            let engine = try Engine(readingAt: indexPath)
            sharedEngine = engine
            return engine
        } catch {
            fail("cannot open the fuzz index: \(error)")
        }
    }

    /// Stops the process so libFuzzer records the input as a crash, with the reason on stderr.
    public static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        FileHandle.standardError.write(Data("FUZZ INVARIANT BROKEN (\(file):\(line)): \(message)\n".utf8))
        abort()
    }

    public static func require(_ condition: Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) {
        if !condition { fail(message(), file: file, line: line) }
    }

    /// Hands the process to libFuzzer, which calls `body` with each input (its bytes, as `Data`).
    public static func run(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, body))
    }

    /// The ingest targets' check: `input` as a file named `source`, through the path the indexer takes
    /// (DocumentReader: SourceDecoder, then the reader for its extension) and the Chunker. A file is either
    /// skipped with a reason or becomes chunks in order that hold text and no NUL (SQLite would store the
    /// text cut short at one).
    public static func ingest(_ input: Data, as source: String) {
        let document: Document
        do {
            document = try DocumentReader.read(input, source: source)
        } catch {
            return
        }
        for (i, chunk) in Chunker().chunks(of: document).enumerated() {
            require(chunk.ordinal == i, "chunk \(i) has ordinal \(chunk.ordinal)")
            require(!chunk.text.utf8.contains(0), "chunk \(i) holds a NUL")
            require(!chunk.text.allSatisfy(\.isWhitespace), "chunk \(i) is blank")
        }
    }

    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Data {
        guard let data, size > 0 else { return Data() }
        return Data(bytes: data, count: size)
    }
}
