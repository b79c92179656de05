// `askdocs eval retrieval DIR` and `askdocs eval qa FILE --corpus DIR`: measure before tuning (issue #4).

import AskDocsCore
import AskDocsEngine
import ArgumentParser
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure retrieval (BEIR folder, trec_eval measures) or answers (a QA set).",
        subcommands: [RetrievalEval.self, QAEval.self, FusionFeaturesEval.self, AbstentionFeaturesEval.self])
}

struct RetrievalEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "nDCG@10, MAP, P@10, R@100, MRR@10 on a folder with corpus-md/ or corpus.jsonl, queries.jsonl, qrels.tsv.")

    @Argument(help: "The collection folder.")
    var collection: String

    @Option(name: .customLong("run"), help: "Also write the TREC run to FILE.")
    var runFile: String?

    @Option(name: .long, help: "Keep the index at FILE (default: a temporary one).")
    var index: String?

    @Option(name: .long, help: "Passages retrieved per query.")
    var limit = 1000

    @Flag(name: .customLong("per-query"), help: "Also print each query's values.")
    var perQuery = false

    @Flag(name: .customLong("no-vectors"), help: "Rank by words alone.")
    var noVectors = false

    func run() throws {
        let report = try CLIError.reporting {
            try Evaluation.retrieval(collection: collection, indexPath: index, limit: limit, vectors: !noVectors)
        }
        if let runFile {
            try (report.run.joined(separator: "\n") + "\n").write(toFile: runFile, atomically: true, encoding: .utf8)
        }
        let result = report.result
        if perQuery {
            for q in result.perQuery.keys.sorted(by: { ($0.count, $0) < ($1.count, $1) }) {
                let v = result.perQuery[q]!
                print(([q] + RetrievalMetrics.measures.map { String(format: "%.4f", v[$0] ?? 0) }).joined(separator: "\t"))
            }
        }
        print("queries evaluated: \(result.queries) (judged queries with >= 1 relevant document)")
        if !result.missing.isEmpty { print("judged queries absent from the run (scored 0): \(result.missing.count)") }
        for m in RetrievalMetrics.measures {
            print(m.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + String(format: "%.4f", result.mean[m] ?? 0))
        }
        print(String(format: "(%d queries searched in %.2f s)", report.queriesRun, report.seconds))
    }
}

struct QAEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qa",
        abstract: "Answer accuracy, citations and abstention on a question set (seed-dev.jsonl format).")

    @Argument(help: "The question set (JSON lines: question, sources, section, must_contain, kind).")
    var file: String

    @Option(name: .long, help: "The corpus folder the questions are about.")
    var corpus = "Corpus"

    @Option(name: .long, help: "Keep the index at FILE (default: a temporary one).")
    var index: String?

    @Flag(name: .long, help: "List every item with what went wrong.")
    var verbose = false

    @Flag(name: .customLong("no-vectors"), help: "Rank by words alone.")
    var noVectors = false

    func run() throws {
        let report = try CLIError.reporting { try Evaluation.qa(file: file, corpus: corpus, indexPath: index, vectors: !noVectors) }
        for o in report.outcomes where verbose || !o.correct {
            print("\(o.correct ? "ok " : "BAD") \(o.item.id): \(o.item.question)")
            print("    -> \(o.answer.prefix(300))")
            if !o.problems.isEmpty { print("    " + o.problems.joined(separator: "; ")) }
        }
        let answerable = report.answerable.count, unanswerable = report.unanswerable.count
        func pct(_ v: Double) -> String { String(format: "%.3f", v) }
        print("answerable \(answerable), unanswerable \(unanswerable)")
        print("hit@1 \(pct(report.hitAt1))  hit@5 \(pct(report.hitAt5))  section@5 \(pct(report.sectionAt5))"
              + "  answer chunk first \(pct(report.chunkAt1))  in top 5 \(pct(report.chunkAt5))")
        print("answer accuracy \(pct(report.answerAccuracy)) (\(report.answerable.filter(\.correct).count)/\(answerable))"
              + "  citation accuracy \(pct(report.citationAccuracy))")
        print("abstention accuracy \(pct(report.abstentionAccuracy)) (\(report.unanswerable.filter(\.correct).count)/\(unanswerable))"
              + "  false abstentions \(pct(report.falseAbstentions)) (\(report.answerable.filter(\.abstained).count)/\(answerable))")
        func ms(_ d: Duration) -> String { String(format: "%.1f", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000) }
        print("ask latency in process: p50 \(ms(report.latency(percentile: 0.5))) ms, p99 \(ms(report.latency(percentile: 0.99))) ms"
              + " over \(report.latencies.count) questions")
    }
}

struct FusionFeaturesEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Print the fusion model's features and labels for each ranked passage (what scripts/fit_fusion.py fits on).")

    @Option(name: .long, help: "A QA set (JSON lines); needs --corpus.")
    var qa: String?

    @Option(name: .long, help: "The corpus folder of the QA set.")
    var corpus: String?

    @Option(name: .long, help: "A BEIR-style collection folder instead of a QA set.")
    var retrieval: String?

    @Option(name: .long, help: "Keep the index at FILE (default: a temporary one).")
    var index: String?

    @Option(name: .long, help: "The set's name in each row.")
    var name: String

    func validate() throws {
        if (qa == nil) == (retrieval == nil) { throw ValidationError("give --qa FILE --corpus DIR or --retrieval DIR") }
        if qa != nil && corpus == nil { throw ValidationError("--qa needs --corpus") }
    }

    func run() throws {
        let rows = try CLIError.reporting {
            if let qa, let corpus {
                return try Evaluation.fusionRows(qa: qa, corpus: corpus, indexPath: index, setName: name)
            }
            return try Evaluation.fusionRows(retrieval: retrieval!, indexPath: index, setName: name)
        }
        for row in rows { print(row) }
    }
}

struct AbstentionFeaturesEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abstention",
        abstract: "Print what the answer-or-abstain model reads for each question of a QA set (what scripts/fit_abstention.py fits on).")

    @Option(name: .long, help: "A QA set (JSON lines).")
    var qa: String

    @Option(name: .long, help: "The corpus folder of the QA set.")
    var corpus: String

    @Option(name: .long, help: "Keep the index at FILE (default: a temporary one).")
    var index: String?

    @Option(name: .long, help: "The set's name in each row.")
    var name: String

    func run() throws {
        let rows = try CLIError.reporting {
            try Evaluation.abstentionRows(qa: qa, corpus: corpus, indexPath: index, setName: name)
        }
        for row in rows { print(row) }
    }
}
