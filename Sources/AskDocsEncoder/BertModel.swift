// A BERT-family encoder's forward pass: embeddings, N transformer layers (self-attention and a GELU
// feed-forward, each with a residual and layer norm), for a batch of sequences packed end to end without
// padding, so that every linear layer is one matrix product over all the batch's tokens (OpenBLAS sgemm)
// and attention runs per sequence and head. The element-wise parts are loops over preallocated buffers.

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

    /// y[m × out] = x[m × in] · Wᵀ + b.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows { (y + r * outputs).update(from: b.baseAddress!, count: outputs) }
        }
        weight.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs),
                        1, x, Int32(inputs), w.baseAddress, Int32(inputs), 1, y, Int32(outputs))
        }
    }
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
    public func hiddenStates(_ sequences: [[Int32]]) -> [Float] {
        let c = configuration
        let h = c.hiddenSize
        let lengths = sequences.map { min($0.count, c.maxPositionEmbeddings) }
        let tokens = lengths.reduce(0, +)
        var x = [Float](repeating: 0, count: tokens * h)
        // Embeddings: word + position + token type 0, then layer norm.
        var row = 0
        for (s, ids) in sequences.enumerated() {
            for p in 0..<lengths[s] {
                let id = Int(ids[p]) < c.vocabSize && ids[p] >= 0 ? Int(ids[p]) : 0
                for j in 0..<h {
                    x[row * h + j] = wordEmbeddings[id * h + j] + positionEmbeddings[p * h + j] + tokenTypeEmbeddings[j]
                }
                row += 1
            }
        }
        Self.layerNorm(&x, rows: tokens, width: h, embeddingNorm, eps: c.layerNormEps)

        var q = [Float](repeating: 0, count: tokens * h)
        var k = [Float](repeating: 0, count: tokens * h)
        var v = [Float](repeating: 0, count: tokens * h)
        var context = [Float](repeating: 0, count: tokens * h)
        var projected = [Float](repeating: 0, count: tokens * h)
        var inner = [Float](repeating: 0, count: tokens * c.intermediateSize)
        let longest = lengths.max() ?? 0
        var scores = [Float](repeating: 0, count: longest * longest)
        let heads = c.numAttentionHeads
        let dh = h / heads
        let scale = 1 / Float(dh).squareRoot()

        for layer in layers {
            x.withUnsafeBufferPointer { xp in
                layer.query.apply(xp.baseAddress!, rows: tokens, into: &q)
                layer.key.apply(xp.baseAddress!, rows: tokens, into: &k)
                layer.value.apply(xp.baseAddress!, rows: tokens, into: &v)
            }
            // Attention per sequence and head: scores = Q·Kᵀ/√d, softmax by row, context = scores·V.
            var offset = 0
            for len in lengths {
                for head in 0..<heads {
                    let base = offset * h + head * dh
                    q.withUnsafeBufferPointer { qp in
                        k.withUnsafeBufferPointer { kp in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(len), Int32(len), Int32(dh), scale,
                                        qp.baseAddress! + base, Int32(h), kp.baseAddress! + base, Int32(h), 0, &scores, Int32(len))
                        }
                    }
                    Self.softmaxRows(&scores, rows: len, width: len)
                    v.withUnsafeBufferPointer { vp in
                        context.withUnsafeMutableBufferPointer { cp in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(len), Int32(dh), Int32(len), 1,
                                        scores, Int32(len), vp.baseAddress! + base, Int32(h), 0, cp.baseAddress! + base, Int32(h))
                        }
                    }
                }
                offset += len
            }
            context.withUnsafeBufferPointer { layer.attentionOutput.apply($0.baseAddress!, rows: tokens, into: &projected) }
            Self.add(&projected, x)
            Self.layerNorm(&projected, rows: tokens, width: h, layer.attentionNorm, eps: c.layerNormEps)
            projected.withUnsafeBufferPointer { layer.intermediate.apply($0.baseAddress!, rows: tokens, into: &inner) }
            Self.gelu(&inner)
            inner.withUnsafeBufferPointer { layer.output.apply($0.baseAddress!, rows: tokens, into: &x) }
            Self.add(&x, projected)
            Self.layerNorm(&x, rows: tokens, width: h, layer.outputNorm, eps: c.layerNormEps)
        }
        return x
    }

    static func add(_ a: inout [Float], _ b: [Float]) {
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                for i in 0..<ap.count { ap[i] += bp[i] }
            }
        }
    }

    static func layerNorm(_ x: inout [Float], rows: Int, width: Int, _ w: LayerNormWeights, eps: Float) {
        x.withUnsafeMutableBufferPointer { xp in
            w.gamma.withUnsafeBufferPointer { g in
                w.beta.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        let row = xp.baseAddress! + r * width
                        var mean: Float = 0
                        for j in 0..<width { mean += row[j] }
                        mean /= Float(width)
                        var variance: Float = 0
                        for j in 0..<width { let d = row[j] - mean; variance += d * d }
                        let inv = 1 / (variance / Float(width) + eps).squareRoot()
                        for j in 0..<width { row[j] = (row[j] - mean) * inv * g[j] + b[j] }
                    }
                }
            }
        }
    }

    static func softmaxRows(_ x: inout [Float], rows: Int, width: Int) {
        x.withUnsafeMutableBufferPointer { xp in
            for r in 0..<rows {
                let row = xp.baseAddress! + r * width
                var m = -Float.infinity
                for j in 0..<width { m = max(m, row[j]) }
                var sum: Float = 0
                for j in 0..<width { let e = expf(row[j] - m); row[j] = e; sum += e }
                let inv = 1 / sum
                for j in 0..<width { row[j] *= inv }
            }
        }
    }

    /// GELU as BERT defines it: x·Φ(x), with the exact error function.
    static func gelu(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { xp in
            let r: Float = 1 / Float(2).squareRoot()
            for i in 0..<xp.count { let v = xp[i]; xp[i] = 0.5 * v * (1 + erff(v * r)) }
        }
    }
}
