// The `askdocs` command line: index, search, ask, serve, repl (the default). Thin: parses arguments, calls the
// shared Engine, prints. The contract (flags, JSON shapes) is documented in README.md.

import AskDocsCore
import AskDocsEngine
import ArgumentParser
import Foundation

@main
struct AskDocs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "askdocs",
        abstract: "Ask questions of a folder of documentation; answers are quoted from it, with citations.",
        version: "askdocs \(Engine.version) (index schema \(Engine.schemaVersion), sentence model \(ModelSpec.miniLM.name))",
        subcommands: [Index.self, Search.self, Ask.self, REPLCommand.self, Serve.self, Eval.self, Model.self],
        defaultSubcommand: REPLCommand.self)
}

struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: "The index file.")
    var index = "Index/askdocs.sqlite"
}

struct QueryOptions: ParsableArguments {
    @Option(name: .long, help: "The corpus folder (default: the one recorded in the index, else Corpus).")
    var corpus: String?

    @Flag(name: .customLong("no-update"), help: "Do not bring the index up to date with the corpus first.")
    var noUpdate = false

    @Flag(name: .long, help: "Print one JSON object per query.")
    var json = false

    @Flag(name: .customLong("no-vectors"), help: "Rank by words alone: neither embed chunks nor compare the question's meaning with theirs.")
    var noVectors = false

    @Option(name: .long, help: "Read one query per line from FILE.")
    var batch: String?

    @Option(name: .long, help: ArgumentHelp(
        "Write one line per query to FILE: milliseconds spent in the engine, a tab, the FTS5 expression run.",
        discussion: "For benchmarks (Benchmarks/run): the time excludes printing; the expression lets a bare loop run the same MATCH."))
    var timings: String?
}

/// Collects `--timings` lines and writes them when the command ends.
struct TimingLog {
    let path: String?
    private var lines: [String] = []

    init(path: String?) { self.path = path }

    /// Runs `body`, noting its wall time with the FTS5 expression its result reports.
    mutating func measure<T>(_ body: () throws -> T, expression: (T) -> String?) rethrows -> T {
        guard path != nil else { return try body() }
        let start = ContinuousClock.now
        let value = try body()
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        lines.append(String(format: "%.4f", ms) + "\t" + (expression(value) ?? ""))
        return value
    }

    func write() throws {
        guard let path else { return }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("cannot write the timings file \(path): \(error.localizedDescription)")
        }
    }
}

extension ParsableCommand {
    /// Whether the index has a write-ahead log with content beside it: reading it as immutable would miss
    /// those commits, so it is not done.
    static func hasUnmergedLog(_ index: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: index + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0 > 0
    }

    /// An index that answers is worth answering from when it cannot be updated (a full disk, a corpus
    /// folder gone or emptied, a lock held too long): one line says why.
    static func staleWarning(_ error: Error) -> String {
        "askdocs: warning: could not update the index: \(error) — answering from it as it is"
    }

    /// The changes waiting in the corpus; nil (with the warning said) when the corpus cannot be scanned.
    static func staleness(_ engine: Engine) throws -> IndexPlan? {
        do {
            return try engine.staleness()
        } catch {
            guard !Engine.isDamagedIndex(error) else { throw CLIError("\(error)") }
            Terminal.note(staleWarning(error))
            return nil
        }
    }

    /// Opens the engine and, unless told not to, brings the index up to date with its corpus first.
    static func openEngine(index: String, corpus: String?, update: Bool, vectors: Bool = true) throws -> Engine {
        // A mistyped --index, or a run outside the repository, must not leave an empty index behind.
        if !FileManager.default.fileExists(atPath: index) {
            let folder = corpus ?? "Corpus"
            guard FileManager.default.fileExists(atPath: folder) else {
                throw CLIError("no index at \(index), and no corpus folder at \(folder) to build it from; "
                               + "pass --corpus DOCS_FOLDER (and --index FILE to keep the index elsewhere)")
            }
        }
        let engine: Engine
        do {
            engine = try Engine(indexPath: index, corpusPath: corpus)
        } catch {
            // A read-only index (file, folder or mount) is still searchable: open it for reading only.
            guard Engine.isUnwritableIndex(error), FileManager.default.fileExists(atPath: index),
                  let reader = (try? Engine(readingAt: index)) ?? (Self.hasUnmergedLog(index) ? nil : try? Engine(readingAt: index, immutable: true)) else {
                throw CLIError("\(error)")
            }
            Terminal.note("askdocs: warning: \(error); searching it read-only, without updating it")
            if !vectors { reader.usesVectors = false }
            return reader
        }
        if !vectors { engine.usesVectors = false }
        // `--no-update` skips looking for changed files, but an index written by another AskDocs version
        // has just been emptied to be rebuilt: answering from it would say "I couldn't find that" to all.
        guard update || engine.schemaWasRebuilt else { return engine }
        if engine.corpusPath == nil { engine.adoptCorpus("Corpus") }
        if engine.schemaWasRebuilt {
            Terminal.note("askdocs: the index \(index) was written by another AskDocs version; rebuilding it from \(engine.corpusPath ?? "Corpus")…")
        } else if try engine.counts().documents == 0 {
            Terminal.note("askdocs: building the index \(index) from \(engine.corpusPath ?? "Corpus") (first use)…")
        } else if let plan = try staleness(engine), !plan.isCurrent {
            Terminal.note("askdocs: the corpus changed (\(plan.toRead.count) new or modified, \(plan.vanished.count) removed); updating the index…")
        } else {
            try CLIError.reporting { try Terminal.embedMissingVectors(engine) }
            return engine
        }
        let summary: IndexSummary
        do {
            summary = try engine.reindex(progress: Terminal.progressBar(), waiting: Terminal.waitingNote(index))
        } catch {
            // A damaged index is not answered from: its one line says how to rebuild it.
            guard !Engine.isDamagedIndex(error), !engine.schemaWasRebuilt, (try? engine.counts().documents) ?? 0 > 0 else {
                throw CLIError("\(error)")
            }
            Terminal.note(Self.staleWarning(error))
            return engine
        }
        Terminal.reportSkipped(summary, counts: false)
        Terminal.note("askdocs: " + summary.line)
        try CLIError.reporting { try Terminal.embedMissingVectors(engine) }
        return engine
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// Runs `body`, turning whatever it throws into a one-line message for stderr.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw CLIError("\(error)") }
    }
}

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Index the corpus incrementally (only new, changed and removed files are touched).")

    @Option(name: .customLong("corpus"), help: "The corpus folder: .md, .html/.htm and .txt files (default: the one recorded in the index, else Corpus).")
    var corpusOption: String?

    /// The folder given, else the one the index was built from, else Corpus.
    var corpus: String {
        if let corpusOption { return corpusOption }
        if FileManager.default.fileExists(atPath: location.index),
           let recorded = try? Engine(readingAt: location.index).corpusPath { return recorded }
        return "Corpus"
    }

    @OptionGroup var location: IndexLocation

    @Flag(name: .long, help: "Rebuild every document from scratch.")
    var full = false

    @Flag(name: .customLong("allow-empty"), help: "Accept a corpus folder with no documents left (removing them all from the index); without it such a run is refused, as an unmounted or mistyped folder would otherwise empty the index.")
    var allowEmpty = false

    @Flag(name: .long, help: "List every skipped file and every changed path.")
    var verbose = false

    @Flag(name: .long, help: "Print the summary as one JSON object (skipped files with their reasons, counts per reason).")
    var json = false

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "Skip files matching GLOB (gitignore syntax; repeatable). Remembered in the index.",
        valueName: "GLOB"))
    var exclude: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "Index files matching GLOB even if a generator rule, .askdocsignore or --exclude skips them (repeatable). Remembered in the index.",
        valueName: "GLOB"))
    var include: [String] = []

    @Flag(name: .customLong("no-vectors"), help: "Skip the vector pass (embedding each new or changed chunk with the sentence model).")
    var noVectors = false

    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "Where the corpus is published: citations of pages that declare no canonical URL link to URL/PATH#anchor. Remembered in the index ('' forgets it).",
        valueName: "URL"))
    var baseURL: String?

    /// Given globs replace the remembered ones; none given keeps them.
    var filters: IndexFilters? {
        exclude.isEmpty && include.isEmpty ? nil : IndexFilters(include: include, exclude: exclude)
    }

    func run() throws {
        let corpus = self.corpus
        guard FileManager.default.fileExists(atPath: corpus) else {
            throw CLIError("no corpus folder at \(corpus); pass --corpus DOCS_FOLDER")
        }
        let summary: IndexSummary
        do {
            summary = try indexOnce()
        } catch {
            // --full on a damaged file: move it aside and start over. Damage can surface on opening or only
            // once the run reads a bad page, so both are recovered from; any other error (a lock held too
            // long, a full disk) leaves the file where it is.
            guard full, Engine.isDamagedIndex(error) else { throw CLIError("\(error)") }
            try? FileManager.default.removeItem(atPath: location.index + ".damaged")
            try? FileManager.default.moveItem(atPath: location.index, toPath: location.index + ".damaged")
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location.index + suffix) }
            Terminal.note("askdocs: the old index was unreadable; moved it to \(location.index).damaged")
            summary = try CLIError.reporting { try indexOnce() }
        }
        if json {
            _ = try embedVectors()
            print(JSONOutput.encode(ReindexResponse(summary)))
            return
        }
        // The count of skipped files was said when they first appeared; an update that changed nothing
        // does not repeat it (unreadable files are still named each time, until fixed).
        let changed = summary.full || summary.added + summary.updated + summary.removed > 0
        Terminal.reportSkipped(summary, all: verbose, counts: verbose || changed)
        if verbose { for path in summary.changedPaths { print("  changed: \(TerminalFormat.visible(path))") } }
        print(summary.line)
        if let vectors = try embedVectors() { print(vectors.line) }
    }

    /// The second pass: a vector for each chunk that has none (nil: skipped, or no model installed).
    func embedVectors() throws -> VectorPassSummary? {
        guard !noVectors else { return nil }
        let engine = try CLIError.reporting { try Engine(indexPath: location.index, corpusPath: corpus) }
        guard engine.encoder != nil else {
            Terminal.note("askdocs: no sentence model installed (askdocs model install); ranking by words alone")
            return nil
        }
        return try CLIError.reporting { try engine.embedVectors(progress: json ? nil : Terminal.vectorProgressBar()) }
    }

    /// Opens the index and runs one index pass; the engine (and its connection) is gone when this returns.
    func indexOnce() throws -> IndexSummary {
        let engine = try Engine(indexPath: location.index, corpusPath: corpus)
        if engine.schemaWasRebuilt {
            Terminal.note("askdocs: the index had another schema version; rebuilding it from the corpus")
        }
        return try engine.reindex(full: full, filters: filters, baseURL: baseURL, allowEmpty: allowEmpty,
                                  progress: json ? nil : Terminal.progressBar(), waiting: Terminal.waitingNote(location.index))
    }
}

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Search the index; prints ranked passages.")

    @OptionGroup var location: IndexLocation
    @OptionGroup var options: QueryOptions

    // Unconditional, so that `--limit -1` reaches validate() instead of being read as an option.
    @Option(name: .long, parsing: .unconditional, help: "How many results.")
    var limit = 10

    @Argument(help: "The query (or use --batch FILE).")
    var query: String?

    func validate() throws {
        if (query == nil) == (options.batch == nil) { throw ValidationError("give a QUERY or --batch FILE (one of them)") }
        if limit < 0 || limit > 10_000 { throw ValidationError("--limit must be between 0 and 10000 (got \(limit))") }
    }

    func run() throws {
        let engine = try Self.openEngine(index: location.index, corpus: options.corpus, update: !options.noUpdate,
                                        vectors: !options.noVectors)
        var timings = TimingLog(path: options.timings)
        for q in try queries(query, batch: options.batch) {
            let outcome = try timings.measure({ try engine.search(q, limit: limit) }, expression: \.expression)
            if options.json {
                print(JSONOutput.encode(SearchResponse(outcome)))
            } else {
                print(TerminalFormat.search(outcome, colour: Terminal.stdoutIsColourTerminal))
            }
        }
        try timings.write()
    }
}

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer a question from the corpus, with citations.")

    @OptionGroup var location: IndexLocation
    @OptionGroup var options: QueryOptions

    @Flag(name: .long, help: "Show how the answer was chosen.")
    var explain = false

    @Argument(help: "The question (or use --batch FILE).")
    var question: String?

    func validate() throws {
        if (question == nil) == (options.batch == nil) { throw ValidationError("give a QUESTION or --batch FILE (one of them)") }
    }

    func run() throws {
        let engine = try Self.openEngine(index: location.index, corpus: options.corpus, update: !options.noUpdate,
                                        vectors: !options.noVectors)
        var timings = TimingLog(path: options.timings)
        for q in try queries(question, batch: options.batch) {
            let (answer, outcome) = try timings.measure({ try engine.ask(q) }, expression: \.search.expression)
            if options.json {
                print(JSONOutput.encode(AskResponse(answer, query: outcome.query)))
            } else {
                print(TerminalFormat.answer(answer, correctedQuestion: outcome.query.correctedText,
                                            width: Terminal.width, colour: Terminal.stdoutIsColourTerminal))
                if explain {
                    print(TerminalFormat.explanation(answer, outcome,
                                                     absentIdentifiers: try engine.absentIdentifiers(in: outcome.query.text)))
                }
            }
        }
        try timings.write()
    }
}

struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl",
                                                    abstract: "Ask questions interactively (the default).")

    @Option(name: .long, help: "The corpus folder.")
    var corpus: String?

    @OptionGroup var location: IndexLocation

    @Flag(name: .customLong("no-update"), help: "Do not bring the index up to date first.")
    var noUpdate = false

    @Flag(name: .customLong("no-vectors"), help: "Rank by words alone (and do not fetch the sentence model).")
    var noVectors = false

    /// Words after `askdocs` that are no command: a question typed without `ask`, or a mistyped command.
    @Argument(help: .hidden)
    var stray: [String] = []

    func validate() throws {
        guard !stray.isEmpty else { return }
        Terminal.note("askdocs: " + Self.strayMessage(stray))
        throw ExitCode(64)
    }

    /// What to say about `askdocs WORDS…`: the command meant, when one word is a near miss of one.
    static func strayMessage(_ words: [String]) -> String {
        let commands = AskDocs.configuration.subcommands.map { $0._commandName }
        let question = words.joined(separator: " ")
        let toAsk = "to ask a question: askdocs ask \"\(question)\"; `askdocs` alone starts the interactive prompt "
            + "(askdocs --help lists the commands)"
        let first = words[0].lowercased()
        if !first.contains(" "), let near = commands.first(where: {
            TypoCorrector.distance(Array(first.utf8), Array($0.utf8), limit: first.count > 5 ? 2 : 1) != nil
        }) {
            let rest = words.dropFirst().map { $0.contains(" ") ? "\"\($0)\"" : $0 }
            return "unknown command “\(words[0])”; did you mean `askdocs \(([near] + rest).joined(separator: " "))`? Or, " + toAsk
        }
        return "“\(question)” is not a command; " + toAsk
    }

    func run() throws {
        if !noVectors, let problem = ModelStore.installOnFirstUse(note: Terminal.note) { Terminal.note(problem) }
        let engine = try Self.openEngine(index: location.index, corpus: corpus, update: !noUpdate, vectors: !noVectors)
        var repl = REPL(engine: engine)
        try repl.run()
    }
}

func queries(_ single: String?, batch: String?) throws -> [String] {
    if let single { return [single] }
    guard let batch else { return [] }
    let data: Data
    do {
        data = batch == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                            : try Data(contentsOf: URL(fileURLWithPath: batch))
    } catch {
        throw CLIError("cannot read the batch file \(batch): \(error.localizedDescription)")
    }
    var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
}
