// The chunks' sentence vectors as the index keeps them and as a question is compared with them: int8
// values with one scale per vector (a quarter of float32's memory; cosine within ~0.003 of the float
// vectors'), held in one flat array and searched by brute force.

import CVectorKernels
import Foundation

/// A unit vector stored as int8 values times one scale (the largest magnitude maps to 127).
public struct QuantizedVector: Sendable, Equatable {
    public var scale: Float
    public var values: [Int8]

    public init(scale: Float, values: [Int8]) {
        self.scale = scale
        self.values = values
    }

    public init(_ vector: [Float]) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        scale = largest > 0 ? largest / 127 : 1
        let inverse = 1 / scale
        values = vector.map { Int8(max(-127, min(127, ($0 * inverse).rounded()))) }
    }

    /// As stored in the index: the scale as 4 little-endian bytes, then the values.
    public var bytes: [UInt8] {
        var out = withUnsafeBytes(of: scale.bitPattern.littleEndian) { Array($0) }
        out.reserveCapacity(4 + values.count)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }

    /// Reads `bytes`, nil unless they hold exactly `dimension` values.
    public init?(bytes: UnsafeRawBufferPointer, dimension: Int) {
        guard bytes.count == 4 + dimension else { return nil }
        scale = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)))
        values = bytes[4...].map { Int8(bitPattern: $0) }
    }

    public var floats: [Float] { values.map { Float($0) * scale } }
}

/// Every embedded chunk's vector, in one flat int8 array: 388 bytes a chunk for MiniLM's 384 dimensions,
/// 28 MB for 72,000 chunks. Scanning all of them is a few milliseconds; see BENCHMARKS.md for where
/// brute force stops being fine.
public struct ChunkVectors: Sendable {
    public let dimension: Int
    public private(set) var ids: [Int64] = []
    private var scales: [Float] = []
    private var values: [Int8] = []
    private var rows: [Int64: Int32] = [:]

    public init(dimension: Int) { self.dimension = dimension }

    public var count: Int { ids.count }

    public mutating func append(id: Int64, vector: QuantizedVector) {
        precondition(vector.values.count == dimension, "a vector of another dimension")
        rows[id] = Int32(ids.count)
        ids.append(id)
        scales.append(vector.scale)
        values.append(contentsOf: vector.values)
    }

    public func contains(_ id: Int64) -> Bool { rows[id] != nil }

    /// The cosine of the question's vector with chunk `id`'s (nil: the chunk has no vector).
    public func similarity(_ query: QuantizedVector, to id: Int64) -> Float? {
        guard let row = rows[id] else { return nil }
        return values.withUnsafeBufferPointer { all in
            query.values.withUnsafeBufferPointer { q in
                Float(Self.dot(q.baseAddress!, all.baseAddress! + Int(row) * dimension, dimension))
                    * query.scale * scales[Int(row)]
            }
        }
    }

    /// The `k` chunks most similar to `query`, best first (ties by id).
    public func nearest(to query: QuantizedVector, k: Int) -> [(id: Int64, similarity: Float)] {
        guard k > 0, !ids.isEmpty else { return [] }
        var scores = [Float](repeating: 0, count: ids.count)
        values.withUnsafeBufferPointer { all in
            query.values.withUnsafeBufferPointer { q in
                scales.withUnsafeBufferPointer { s in
                    let done = scores.withUnsafeMutableBufferPointer { out in
                        askdocs_int8_scores(q.baseAddress!, all.baseAddress!, ids.count, Int32(dimension),
                                            s.baseAddress!, out.baseAddress!) != 0
                    }
                    guard !done else { return }
                    for row in 0..<ids.count {
                        scores[row] = Float(Self.dot(q.baseAddress!, all.baseAddress! + row * dimension, dimension))
                            * s[row]
                    }
                }
            }
        }
        // A bounded selection: most rows fall below the k-th best so far and cost one comparison.
        var best: [(row: Int, score: Float)] = []
        best.reserveCapacity(k + 1)
        var floor = -Float.infinity
        for row in 0..<scores.count where best.count < k || scores[row] > floor {
            let s = scores[row]
            let at = best.firstIndex { s > $0.score } ?? best.count
            best.insert((row, s), at: at)
            if best.count > k { best.removeLast() }
            if best.count == k { floor = best[k - 1].score }
        }
        return best.map { (ids[$0.row], $0.score * query.scale) }
    }

    /// An int8 dot product, 16 lanes at a time: products fit Int16 (127² < 2¹⁵), sums Int32.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ n: Int) -> Int32 {
        var acc = SIMD16<Int32>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 16 <= n {
            let x = SIMD16<Int16>(truncatingIfNeeded: ra.loadUnaligned(fromByteOffset: i, as: SIMD16<Int8>.self))
            let y = SIMD16<Int16>(truncatingIfNeeded: rb.loadUnaligned(fromByteOffset: i, as: SIMD16<Int8>.self))
            acc &+= SIMD16<Int32>(truncatingIfNeeded: x &* y)
            i += 16
        }
        var sum = acc.wrappedSum()
        while i < n {
            sum &+= Int32(a[i]) * Int32(b[i])
            i += 1
        }
        return sum
    }
}

/// What is embedded for a chunk: its title and section path on the first line, then its text (measured:
/// the body alone ranked no better than words do).
public enum EmbeddedText {
    public static func chunk(title: String, headingPath: [String], body: String) -> String {
        var path = headingPath
        if let first = path.first, first == title { path.removeFirst() }
        let head = ([title] + path).filter { !$0.isEmpty }.joined(separator: " › ")
        return head.isEmpty ? body : head + "\n" + body
    }
}
