// The Swift sentence encoder against the reference (scripts/encoder_reference.py, sentence-transformers):
// the tokenizer's ids on ~2,900 varied strings and the embeddings of 50 texts (cosine ≥ 0.9999), plus the
// safetensors reader on hand-made files. The model-dependent tests need `askdocs model install` first
// (.ci/run does it); the reader's tests need nothing.

import Foundation
import Testing
@testable import AskDocsEncoder

/// The installed model's folder, where `askdocs model install` puts it.
let modelDirectory = SentenceEncoder.modelDirectory(named: "all-MiniLM-L6-v2")
let modelInstalled = FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent("model.safetensors").path)

let encoder: SentenceEncoder? = modelInstalled ? try? SentenceEncoder(modelDirectory: modelDirectory) : nil

func fixture(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try Data(contentsOf: url)
}

@Suite struct EncoderReferenceTests {
    @Test(.enabled(if: modelInstalled, "the model is not installed: run `askdocs model install`"))
    func tokenizerGivesTheReferenceIds() throws {
        let encoder = try #require(encoder)
        var mismatches: [String] = []
        var count = 0
        for line in String(decoding: try fixture("tokenizer-reference.jsonl"), as: UTF8.self).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let text = o["text"] as! String
            let expected = (o["ids"] as! [NSNumber]).map(\.int32Value)
            count += 1
            let ids = encoder.tokenizer.ids(text, maxLength: encoder.maxLength)
            if ids != expected { mismatches.append("\(text.debugDescription.prefix(80)): \(ids.prefix(12)) vs \(expected.prefix(12))") }
        }
        #expect(count > 2_500)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(count) differ, e.g. \(mismatches.prefix(5).joined(separator: "; "))")
    }

    @Test(.enabled(if: modelInstalled, "the model is not installed: run `askdocs model install`"))
    func embeddingsMatchTheReference() throws {
        let encoder = try #require(encoder)
        let o = try JSONSerialization.jsonObject(with: try fixture("embedding-reference.json")) as! [String: Any]
        let texts = o["texts"] as! [String]
        let reference = (o["vectors"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        let vectors = encoder.embed(texts, batchTokens: 1_000)
        #expect(vectors.count == texts.count && encoder.dimension == 384)
        var worst: (Float, String) = (1, "")
        for (i, (v, r)) in zip(vectors, reference).enumerated() {
            let cosine = zip(v, r).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if cosine < worst.0 { worst = (cosine, "\(i): \(texts[i].prefix(60))") }
            let norm = v.reduce(Float(0)) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 1e-4)
        }
        #expect(worst.0 >= 0.9999, "lowest cosine \(worst.0) for \(worst.1)")
        // One at a time gives what a batch gives: packing sequences end to end does not mix them, and a
        // short text's few rows (the AVX2 kernel, outputs split between workers) agree with BLAS's.
        var alone: (Float, String) = (1, "")
        for (i, text) in texts.enumerated() {
            let single = encoder.embed([text])[0]
            let cosine = zip(single, reference[i]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if cosine < alone.0 { alone = (cosine, "\(i): \(text.prefix(60))") }
            #expect(zip(single, vectors[i]).allSatisfy { abs($0 - $1) < 1e-4 }, "\(i)")
        }
        #expect(alone.0 >= 0.9999, "lowest cosine alone \(alone.0) for \(alone.1)")
    }

    @Test(.enabled(if: modelInstalled, "the model is not installed: run `askdocs model install`"))
    func meaningIsCloserThanWords() throws {
        let encoder = try #require(encoder)
        let v = encoder.embed(["How do I make the server reachable from other computers on my LAN?",
                               "Externally Visible Server: listen on all public IPs with --host 0.0.0.0",
                               "The LAN party had reachable snacks for all computers."])
        func cos(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(cos(v[0], v[1]) > 0.3)
    }
}

/// The product for a few rows (`askdocs_few_rows_product`, or BLAS where the CPU lacks AVX2) against a
/// plain sum in Double: odd row counts, output counts not a multiple of 4, and a share of the columns.
@Suite struct FewRowsProductTests {
    @Test(arguments: [1, 2, 3, 7, 16, 17])
    func agreesWithAPlainSum(rows: Int) {
        var generator = SystemRandomNumberGenerator()
        for (inputs, outputs) in [(8, 5), (384, 384), (64, 1_538), (1_536, 384)] {
            let layer = Linear(weight: (0..<(inputs * outputs)).map { _ in Float.random(in: -1...1, using: &generator) },
                               bias: (0..<outputs).map { _ in Float.random(in: -1...1, using: &generator) },
                               inputs: inputs, outputs: outputs)
            let x = (0..<(rows * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
            var whole = [Float](repeating: .nan, count: rows * outputs)
            x.withUnsafeBufferPointer { xp in
                whole.withUnsafeMutableBufferPointer { layer.apply(xp.baseAddress!, rows: 0..<rows, into: $0.baseAddress!) }
            }
            // The same from two shares of the columns, as two workers compute it.
            var shared = [Float](repeating: .nan, count: rows * outputs)
            for part in BertModel.columnParts(outputs, 2) {
                x.withUnsafeBufferPointer { xp in
                    shared.withUnsafeMutableBufferPointer { layer.apply(xp.baseAddress!, rows: 0..<rows, columns: part, into: $0.baseAddress!) }
                }
            }
            var worst = 0.0
            for r in 0..<rows {
                for o in 0..<outputs {
                    var sum = Double(layer.bias[o])
                    for k in 0..<inputs { sum += Double(x[r * inputs + k]) * Double(layer.weight[o * inputs + k]) }
                    worst = max(worst, abs(Double(whole[r * outputs + o]) - sum), abs(Double(shared[r * outputs + o]) - sum))
                }
            }
            #expect(worst < 1e-3, "rows \(rows), \(inputs) → \(outputs): off by \(worst)")
        }
    }
}

@Suite struct SafeTensorsTests {
    /// A file with the given header entries and payload.
    static func file(_ header: String, _ payload: [UInt8]) -> Data {
        var data = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: payload)
        return data
    }

    @Test func readsF32F16AndBF16() throws {
        var payload: [UInt8] = []
        for f in [Float(1.5), -2.25] { withUnsafeBytes(of: f.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        for h in [Float16(0.5), Float16(-3)] { withUnsafeBytes(of: h.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        let bf = UInt16(truncatingIfNeeded: Float(7).bitPattern >> 16)
        withUnsafeBytes(of: bf.littleEndian) { payload.append(contentsOf: $0) }
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"# +
            #""b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},"c":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]}}"#
        let t = try SafeTensors(data: Self.file(header, payload))
        #expect(try t.floats("a") == [1.5, -2.25])
        #expect(try t.floats("b", shape: [1, 2]) == [0.5, -3])
        #expect(try t.floats("c") == [7])
        #expect(throws: SafeTensors.ReadError.self) { try t.floats("b", shape: [2]) }
        #expect(throws: SafeTensors.ReadError.self) { try t.floats("missing") }
    }

    @Test func refusesDamagedFiles() {
        #expect(throws: SafeTensors.ReadError.self) { try SafeTensors(data: Data([1, 2, 3])) }
        #expect(throws: SafeTensors.ReadError.self) { try SafeTensors(data: Self.file("{not json", [])) }
        // Data offsets past the end of the payload.
        #expect(throws: SafeTensors.ReadError.self) {
            try SafeTensors(data: Self.file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, [0, 0, 0, 0]))
        }
        var huge = Data()
        var n = UInt64(1 << 40).littleEndian
        withUnsafeBytes(of: &n) { huge.append(contentsOf: $0) }
        #expect(throws: SafeTensors.ReadError.self) { try SafeTensors(data: huge) }
    }
}

@Suite struct WordPieceTests {
    @Test func splitsAsBERTDoes() throws {
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", ",", "world", "!", "cafe", "東"]
        let t = try WordPieceTokenizer(vocabularyText: vocab.joined(separator: "\n") + "\n")
        #expect(t.ids("unaffable") == [2, 4, 5, 6, 3])
        #expect(t.ids("Hello,World!") == [2, 7, 8, 9, 10, 3])
        #expect(t.ids("CAFÉ") == [2, 11, 3])          // lower-cased, accent stripped
        #expect(t.ids("東京") == [2, 12, 1, 3])        // each ideograph a word
        #expect(t.ids("unknownword") == [2, 1, 3])     // no piece for "unknownword" → one [UNK]
        #expect(t.ids("hello " + String(repeating: "x", count: 101)) == [2, 7, 1, 3])
        #expect(t.ids("hello world hello", maxLength: 4) == [2, 7, 9, 3])
        #expect(throws: WordPieceTokenizer.LoadError.self) { try WordPieceTokenizer(vocabularyText: "a\nb\n") }
    }
}

@Suite struct VectorMathTests {
    @Test func expAndErfAgreeWithLibm() {
        var worstExp: Float = 0, worstErf: Float = 0
        var x: Float = -87
        while x <= 0 {
            let e = VectorMath.exp(Lanes(repeating: x))[0]
            worstExp = max(worstExp, abs(e - expf(x)) / expf(x))
            x += 0.013
        }
        x = -6
        while x <= 6 {
            worstErf = max(worstErf, abs(VectorMath.erf(Lanes(repeating: x))[0] - erff(x)))
            x += 0.0007
        }
        #expect(worstExp < 3e-7)   // relative: a few ulps
        #expect(worstErf < 5e-7)   // absolute: Abramowitz & Stegun's 1.5e-7 plus float rounding
    }

    @Test func softmaxLayerNormAndGELU() {
        var row: [Float] = (0..<19).map { Float($0) * 0.7 - 5 }
        let reference = row.map { expf($0 - row.max()!) }
        let total = reference.reduce(0, +)
        row.withUnsafeMutableBufferPointer { VectorMath.softmaxRows($0.baseAddress!, rows: 1, width: 19) }
        #expect(zip(row, reference).allSatisfy { abs($0 - $1 / total) < 1e-6 })
        var values: [Float] = (0..<21).map { Float($0) * 0.5 - 5 }
        values.withUnsafeMutableBufferPointer { VectorMath.gelu($0.baseAddress!, count: 21) }
        for (i, v) in values.enumerated() {
            let x = Float(i) * 0.5 - 5
            #expect(abs(v - 0.5 * x * (1 + erff(x / Float(2).squareRoot()))) < 1e-6)
        }
        var matrix: [Float] = (0..<20).map { Float($0 * $0 % 7) }
        let gamma = [Float](repeating: 2, count: 10), beta = [Float](repeating: 1, count: 10)
        matrix.withUnsafeMutableBufferPointer {
            VectorMath.layerNorm($0.baseAddress!, rows: 0..<2, width: 10, gamma: gamma, beta: beta, eps: 1e-12)
        }
        for r in 0..<2 {
            let row = matrix[(r * 10)..<(r * 10 + 10)].map { ($0 - 1) / 2 }
            let mean = row.reduce(0, +) / 10
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-4)
        }
    }
}
