// Text to unit vectors with a sentence-transformers model read from its own files (`config.json`,
// `vocab.txt`, `model.safetensors`, and `sentence_bert_config.json` for the length it was trained at):
// tokenize, run the encoder over length-sorted batches, mean-pool each text's token states, L2-normalise.
// Pure computation: no network, no Python; any BERT-architecture model of that layout loads.

import COpenBLAS
import Foundation

public final class SentenceEncoder: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let model: BertModel
    /// Tokens per text, `[CLS]` and `[SEP]` included (the model's `max_seq_length`).
    public let maxLength: Int
    public var dimension: Int { model.configuration.hiddenSize }

    public enum LoadError: Error, CustomStringConvertible {
        case missingFile(String)
        case unsupported(String)
        public var description: String {
            switch self {
            case .missingFile(let f): return "the model folder has no \(f)"
            case .unsupported(let why): return "unsupported model: \(why)"
            }
        }
    }

    public init(modelDirectory: URL, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        Self.singleThreadedBLAS
        self.workers = max(1, workers)
        func file(_ name: String) throws -> Data {
            let url = modelDirectory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw LoadError.missingFile(name) }
            return data
        }
        let configuration = try JSONDecoder().decode(BertConfiguration.self, from: try file("config.json"))
        guard ["gelu", "gelu_python"].contains(configuration.hiddenAct) else {
            throw LoadError.unsupported("activation \(configuration.hiddenAct)")
        }
        guard configuration.hiddenSize % configuration.numAttentionHeads == 0 else {
            throw LoadError.unsupported("hidden size not divisible by the heads")
        }
        var lowercase = true
        if let data = try? file("tokenizer_config.json"),
           let o = try JSONSerialization.jsonObject(with: data) as? [String: Any], let lower = o["do_lower_case"] as? Bool {
            lowercase = lower
        }
        tokenizer = try WordPieceTokenizer(vocabularyText: String(decoding: try file("vocab.txt"), as: UTF8.self),
                                           lowercase: lowercase)
        var maxLength = configuration.maxPositionEmbeddings
        if let data = try? file("sentence_bert_config.json"),
           let o = try JSONSerialization.jsonObject(with: data) as? [String: Any], let n = o["max_seq_length"] as? Int {
            maxLength = min(n, maxLength)
        }
        self.maxLength = maxLength
        let weights = try SafeTensors(contentsOf: modelDirectory.appendingPathComponent("model.safetensors"))
        model = try BertModel(configuration: configuration, weights: weights)
    }

    /// Where a model named `name` is kept: `ASKDOCS_MODEL_DIR`, else `$XDG_CACHE_HOME/askdocs/models/<name>`,
    /// else `~/.cache/askdocs/models/<name>`.
    public static func modelDirectory(named name: String,
                                      environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["ASKDOCS_MODEL_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        return cache.appendingPathComponent("askdocs/models/\(name)")
    }

    /// Threads one `embed` call uses (the machine's cores by default).
    public let workers: Int

    /// BLAS runs single-threaded: the encoder splits the work itself (see `BertModel.hiddenStates`).
    static let singleThreadedBLAS: Void = openblas_set_num_threads(1)

    /// One unit vector per text, in order. Texts are encoded in batches of about `batchTokens` tokens,
    /// sorted by length so that attention's per-sequence work stays even.
    public func embed(_ texts: [String], batchTokens: Int = 4096) -> [[Float]] {
        let ids = texts.map { tokenizer.ids($0, maxLength: maxLength) }
        return embed(ids: ids, batchTokens: batchTokens)
    }

    public func embed(ids: [[Int32]], batchTokens: Int = 4096) -> [[Float]] {
        let order = ids.indices.sorted { ids[$0].count < ids[$1].count }
        var out = [[Float]](repeating: [], count: ids.count)
        var start = 0
        while start < order.count {
            var end = start
            var total = 0
            while end < order.count && (end == start || total + ids[order[end]].count <= batchTokens) {
                total += ids[order[end]].count
                end += 1
            }
            let batch = order[start..<end].map { ids[$0] }
            let states = model.hiddenStates(batch, workers: workers)
            let h = dimension
            var row = 0
            for (k, index) in order[start..<end].enumerated() {
                let n = batch[k].count
                var v = [Float](repeating: 0, count: h)
                for r in row..<(row + n) {
                    for j in 0..<h { v[j] += states[r * h + j] }
                }
                row += n
                var norm: Float = 0
                for j in 0..<h { v[j] /= Float(n); norm += v[j] * v[j] }
                let inv = norm > 0 ? 1 / norm.squareRoot() : 0
                for j in 0..<h { v[j] *= inv }
                out[index] = v
            }
            start = end
        }
        return out
    }
}
