// A BERT-family encoder's forward pass: embeddings, N transformer layers (self-attention and a GELU
// feed-forward, each with a residual and layer norm), for a batch of sequences packed end to end without
// padding, so that every linear layer is one matrix product over all the batch's tokens (OpenBLAS sgemm)
// and attention runs per sequence and head. The element-wise parts run on SIMD lanes over preallocated
// buffers (VectorMath).

import CVectorKernels
import COpenBLAS
import Foundation

/// What `config.json` says of the architecture.
public struct BertConfiguration: Sendable, Equatable, Decodable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var vocabSize: Int
    public var layerNormEps: Float
    public var hiddenAct: String

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers",
             numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size",
             maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size",
             vocabSize = "vocab_size", layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        layerNormEps = Float(try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-12)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
    }
}

struct LayerNormWeights: Sendable {
    var gamma: [Float]
    var beta: [Float]
}

/// A linear layer as PyTorch stores it: weight [out × in], bias [out].
struct Linear: Sendable {
    var weight: [Float]
    var bias: [Float]
    var inputs: Int
    var outputs: Int

    /// y[r × out] = x[r × in] · Wᵀ + b for the rows `rows` of x and y.
    func apply(_ x: UnsafePointer<Float>, rows: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        apply(x, rows: rows, columns: 0..<outputs, into: y)
    }

    /// The same for the output columns `columns` only (the others of y are left as they are).
    func apply(_ x: UnsafePointer<Float>, rows: Range<Int>, columns: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let x = x + rows.lowerBound * inputs
        let y = y + rows.lowerBound * outputs + columns.lowerBound
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows.count {
                (y + r * outputs).update(from: b.baseAddress! + columns.lowerBound, count: columns.count)
            }
        }
        weight.withUnsafeBufferPointer { w in
            let w = w.baseAddress! + columns.lowerBound * inputs
            // A question's few rows: OpenBLAS would first copy all of W into its packed layout, which cost
            // more than the products (BENCHMARKS.md, section 8).
            if rows.count <= Self.fewRows,
               askdocs_few_rows_product(x, Int32(rows.count), Int32(inputs), w, Int32(columns.count), y, Int32(outputs)) != 0 {
                return
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(columns.count), Int32(inputs),
                        1, x, Int32(inputs), w, Int32(inputs), 1, y, Int32(outputs))
        }
    }
}

extension Linear {
    /// Up to this many rows go through `askdocs_few_rows_product` rather than BLAS.
    static let fewRows = 16
}

struct EncoderLayer: Sendable {
    var query: Linear
    var key: Linear
    var value: Linear
    var attentionOutput: Linear
    var attentionNorm: LayerNormWeights
    var intermediate: Linear
    var output: Linear
    var outputNorm: LayerNormWeights
}

public struct BertModel: Sendable {
    public let configuration: BertConfiguration
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: LayerNormWeights
    let layers: [EncoderLayer]

    public init(configuration c: BertConfiguration, weights: SafeTensors) throws {
        configuration = c
        // Some checkpoints name every tensor under "bert.".
        let prefix = weights.entries["embeddings.word_embeddings.weight"] == nil
            && weights.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws -> [Float] { try weights.floats(prefix + name, shape: shape) }
        func norm(_ name: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try t(name + ".weight", [c.hiddenSize]), beta: try t(name + ".bias", [c.hiddenSize]))
        }
        func linear(_ name: String, _ inputs: Int, _ outputs: Int) throws -> Linear {
            Linear(weight: try t(name + ".weight", [outputs, inputs]), bias: try t(name + ".bias", [outputs]),
                   inputs: inputs, outputs: outputs)
        }
        let h = c.hiddenSize
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabSize, h])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = try (0..<c.numHiddenLayers).map { i in
            let p = "encoder.layer.\(i)."
            return EncoderLayer(
                query: try linear(p + "attention.self.query", h, h), key: try linear(p + "attention.self.key", h, h),
                value: try linear(p + "attention.self.value", h, h),
                attentionOutput: try linear(p + "attention.output.dense", h, h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", h, c.intermediateSize),
                output: try linear(p + "output.dense", c.intermediateSize, h),
                outputNorm: try norm(p + "output.LayerNorm"))
        }
    }

    /// The last layer's hidden states for `sequences` (token ids, each at most `maxPositionEmbeddings`
    /// long), packed: sequence k's rows start at the sum of the lengths before it. [tokens × hidden].
    ///
    /// `workers` threads share the work: each linear layer's rows, the (sequence, head) pairs of attention,
    /// the element-wise passes. BLAS itself runs single-threaded (see `SentenceEncoder`): its own threads
    /// synchronise on every call, which the many small attention products made cost a fifth of the time.
    public func hiddenStates(_ sequences: [[Int32]], workers: Int = 1) -> [Float] {
        let c = configuration
        let h = c.hiddenSize
        let lengths = sequences.map { min($0.count, c.maxPositionEmbeddings) }
        let tokens = lengths.reduce(0, +)
        guard tokens > 0 else { return [] }
        let offsets = lengths.indices.map { lengths[..<$0].reduce(0, +) }
        var x = [Float](repeating: 0, count: tokens * h)
        // Embeddings: word + position + token type 0.
        x.withUnsafeMutableBufferPointer { xp in
            wordEmbeddings.withUnsafeBufferPointer { we in
                positionEmbeddings.withUnsafeBufferPointer { pe in
                    tokenTypeEmbeddings.withUnsafeBufferPointer { te in
                        for (s, ids) in sequences.enumerated() {
                            for p in 0..<lengths[s] {
                                let id = ids[p] >= 0 && Int(ids[p]) < c.vocabSize ? Int(ids[p]) : 0
                                let row = xp.baseAddress! + (offsets[s] + p) * h
                                for j in 0..<h { row[j] = we[id * h + j] + pe[p * h + j] + te[j] }
                            }
                        }
                    }
                }
            }
        }
        let workers = max(1, min(workers, tokens))
        let rowRanges = Self.split(tokens, into: workers)
        let heads = c.numAttentionHeads
        let dh = h / heads
        let scale = 1 / Float(dh).squareRoot()
        let longest = lengths.max() ?? 0
        let pairs = lengths.indices.flatMap { s in (0..<heads).map { (s, $0) } }
        let eps = c.layerNormEps

        var q = [Float](repeating: 0, count: tokens * h)
        var k = [Float](repeating: 0, count: tokens * h)
        var v = [Float](repeating: 0, count: tokens * h)
        var context = [Float](repeating: 0, count: tokens * h)
        var projected = [Float](repeating: 0, count: tokens * h)
        var inner = [Float](repeating: 0, count: tokens * c.intermediateSize)
        var scores = [Float](repeating: 0, count: workers * longest * longest)

        x.withUnsafeMutableBufferPointer { xb in
        q.withUnsafeMutableBufferPointer { qb in
        k.withUnsafeMutableBufferPointer { kb in
        v.withUnsafeMutableBufferPointer { vb in
        context.withUnsafeMutableBufferPointer { cb in
        projected.withUnsafeMutableBufferPointer { pb in
        inner.withUnsafeMutableBufferPointer { ib in
        scores.withUnsafeMutableBufferPointer { sb in
            // Each worker writes only its own rows (or its own heads' columns) of these buffers.
            let b = Buffers(x: xb.baseAddress!, q: qb.baseAddress!, k: kb.baseAddress!, v: vb.baseAddress!,
                            context: cb.baseAddress!, projected: pb.baseAddress!, inner: ib.baseAddress!,
                            scores: sb.baseAddress!)
            /// Runs `body(rows)` for each worker's share of the rows, in parallel.
            func rows(_ body: @Sendable (Range<Int>) -> Void) {
                if workers == 1 { body(0..<tokens); return }
                DispatchQueue.concurrentPerform(iterations: workers) { body(rowRanges[$0]) }
            }
            // A question's few rows: each worker takes a share of a layer's outputs over all rows, so that
            // each reads only its share of the weights (they come from memory on every question; split by
            // rows, every worker would read all of them).
            let fewRows = tokens <= Linear.fewRows && workers > 1
            func linear(_ layer: Linear, _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
                let parts = Self.columnParts(layer.outputs, workers)
                let io = LinearIO(input: input, output: output)
                DispatchQueue.concurrentPerform(iterations: parts.count) {
                    layer.apply(io.input, rows: 0..<tokens, columns: parts[$0], into: io.output)
                }
            }
            let embeddingNorm = self.embeddingNorm
            rows { r in Self.layerNorm(b.x, rows: r, width: h, embeddingNorm, eps: eps) }
            for layer in layers {
                if fewRows {
                    linear(layer.query, b.x, b.q)
                    linear(layer.key, b.x, b.k)
                    linear(layer.value, b.x, b.v)
                } else {
                    rows { r in
                        layer.query.apply(b.x, rows: r, into: b.q)
                        layer.key.apply(b.x, rows: r, into: b.k)
                        layer.value.apply(b.x, rows: r, into: b.v)
                    }
                }
                // Attention per sequence and head: scores = Q·Kᵀ/√d, softmax by row, context = scores·V.
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let scratch = b.scores + w * longest * longest
                    var i = w
                    while i < pairs.count {
                        let (s, head) = pairs[i]
                        let len = lengths[s]
                        let base = offsets[s] * h + head * dh
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(len), Int32(len), Int32(dh), scale,
                                    b.q + base, Int32(h), b.k + base, Int32(h), 0, scratch, Int32(len))
                        Self.softmaxRows(scratch, rows: len, width: len)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(len), Int32(dh), Int32(len), 1,
                                    scratch, Int32(len), b.v + base, Int32(h), 0, b.context + base, Int32(h))
                        i += workers
                    }
                }
                let inner = c.intermediateSize
                if fewRows {
                    let all = 0..<tokens
                    linear(layer.attentionOutput, b.context, b.projected)
                    Self.addRows(b.projected, b.x, rows: all, width: h)
                    Self.layerNorm(b.projected, rows: all, width: h, layer.attentionNorm, eps: eps)
                    linear(layer.intermediate, b.projected, b.inner)
                    Self.gelu(b.inner, count: tokens * inner)
                    linear(layer.output, b.inner, b.x)
                    Self.addRows(b.x, b.projected, rows: all, width: h)
                    Self.layerNorm(b.x, rows: all, width: h, layer.outputNorm, eps: eps)
                    continue
                }
                rows { r in
                    layer.attentionOutput.apply(b.context, rows: r, into: b.projected)
                    Self.addRows(b.projected, b.x, rows: r, width: h)
                    Self.layerNorm(b.projected, rows: r, width: h, layer.attentionNorm, eps: eps)
                    layer.intermediate.apply(b.projected, rows: r, into: b.inner)
                    Self.gelu(b.inner + r.lowerBound * inner, count: r.count * inner)
                    layer.output.apply(b.inner, rows: r, into: b.x)
                    Self.addRows(b.x, b.projected, rows: r, width: h)
                    Self.layerNorm(b.x, rows: r, width: h, layer.outputNorm, eps: eps)
                }
            }
        }}}}}}}}
        return x
    }

    /// The forward pass's working memory, shared by the workers, each of which writes its own part.
    struct Buffers: @unchecked Sendable {
        let x, q, k, v, context, projected, inner, scores: UnsafeMutablePointer<Float>
    }

    /// One linear layer's input and output, handed to the workers that each write their share of the
    /// output's columns.
    struct LinearIO: @unchecked Sendable {
        let input: UnsafePointer<Float>
        let output: UnsafeMutablePointer<Float>
    }

    /// `n` output columns in `parts` nearly equal ranges that start at multiples of 3 (the kernel's groups).
    static func columnParts(_ n: Int, _ parts: Int) -> [Range<Int>] {
        let bounds = (0...parts).map { i in i == parts ? n : min(n, (n * i / parts) / 3 * 3) }
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }.filter { !$0.isEmpty }
    }

    /// `n` rows in `parts` nearly equal ranges.
    static func split(_ n: Int, into parts: Int) -> [Range<Int>] {
        (0..<parts).map { i in (n * i / parts)..<(n * (i + 1) / parts) }
    }

    static func addRows(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, rows: Range<Int>, width: Int) {
        for i in (rows.lowerBound * width)..<(rows.upperBound * width) { a[i] += b[i] }
    }

    static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Range<Int>, width: Int, _ w: LayerNormWeights, eps: Float) {
        w.gamma.withUnsafeBufferPointer { g in
            w.beta.withUnsafeBufferPointer { b in
                VectorMath.layerNorm(x, rows: rows, width: width, gamma: g.baseAddress!, beta: b.baseAddress!, eps: eps)
            }
        }
    }

    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        VectorMath.softmaxRows(x, rows: rows, width: width)
    }

    /// GELU as BERT defines it: x·Φ(x), with the error function.
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) { VectorMath.gelu(x, count: count) }
}
