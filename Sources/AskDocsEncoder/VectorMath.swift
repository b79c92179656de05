// The encoder's element-wise arithmetic on SIMD8 lanes: exp (Cephes' range reduction and polynomial, about
// 1 ulp), erf (Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, 5e-7 in float) for GELU, and sums. libm's scalar expf and
// erff, and float reductions the compiler may not reorder into lanes, were a third of the encoder's time.

typealias Lanes = SIMD8<Float>

enum VectorMath {
    /// e^x for each lane, for x ≤ 0 (below −87.3, e^−87.3 ≈ 1e-38 rather than a denormal or 0).
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        // Only arguments ≤ 0 occur here (softmax after subtracting the row's maximum, erf's e^(−x²)).
        let x = x.replacing(with: -87.3, where: x .< -87.3)
        // x = n·ln2 + r, |r| ≤ ln2/2; e^x = 2^n · e^r. Adding 1.5·2^23 rounds x·log2(e) to the nearest
        // integer n and leaves n in the low bits of the sum's bit pattern: no float-to-int conversion.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.000_000_1e-1
        let er = p * r * r + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return er * unsafeBitCast(bits, to: Lanes.self)
    }

    /// erf(x) for each lane.
    @inline(__always)
    static func erf(_ x: Lanes) -> Lanes {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var y = Lanes(repeating: 1.061_405_429)
        y = y * t - 1.453_152_027
        y = y * t + 1.421_413_741
        y = y * t - 0.284_496_736
        y = y * t + 0.254_829_592
        let e: Lanes = 1 - y * t * exp(-(a * a))
        return e.replacing(with: -e, where: x .< 0)
    }

    /// x·Φ(x) = x/2·(1 + erf(x/√2)) over `count` floats.
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let r: Float = 0.707_106_781_186_547_5
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: 0.5 * v * (1 + erf(v * r)), as: Lanes.self)
            i += 8
        }
        while i < count {
            let v = Lanes(repeating: x[i])
            x[i] = (0.5 * v * (1 + erf(v * r)))[0]
            i += 1
        }
    }

    /// Each row of `rows × width` replaced by its softmax.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = x + r * width
            var lanesMax = Lanes(repeating: -Float.greatestFiniteMagnitude)
            var j = 0
            while j + 8 <= width {
                let v = UnsafeRawPointer(row + j).loadUnaligned(as: Lanes.self)
                lanesMax = lanesMax.replacing(with: v, where: v .> lanesMax)
                j += 8
            }
            var m = lanesMax.max()
            while j < width { m = Swift.max(m, row[j]); j += 1 }
            var sums = Lanes.zero
            j = 0
            while j + 8 <= width {
                let e = exp(UnsafeRawPointer(row + j).loadUnaligned(as: Lanes.self) - m)
                UnsafeMutableRawPointer(row + j).storeBytes(of: e, as: Lanes.self)
                sums += e
                j += 8
            }
            var sum = sums.sum()
            while j < width {
                let e = exp(Lanes(repeating: row[j] - m))[0]
                row[j] = e
                sum += e
                j += 1
            }
            let inv = 1 / sum
            j = 0
            while j + 8 <= width {
                let v = UnsafeRawPointer(row + j).loadUnaligned(as: Lanes.self)
                UnsafeMutableRawPointer(row + j).storeBytes(of: v * inv, as: Lanes.self)
                j += 8
            }
            while j < width { row[j] *= inv; j += 1 }
        }
    }

    /// Each row normalised to mean 0 and variance 1, then scaled by `gamma` and shifted by `beta`.
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Range<Int>, width: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        for r in rows {
            let row = x + r * width
            let mean = sum(row, width) / Float(width)
            var squares = Lanes.zero
            var j = 0
            while j + 8 <= width {
                let d = UnsafeRawPointer(row + j).loadUnaligned(as: Lanes.self) - mean
                squares += d * d
                j += 8
            }
            var variance = squares.sum()
            while j < width { let d = row[j] - mean; variance += d * d; j += 1 }
            let inv = 1 / (variance / Float(width) + eps).squareRoot()
            for j in 0..<width { row[j] = (row[j] - mean) * inv * gamma[j] + beta[j] }
        }
    }

    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = Lanes.zero
        var j = 0
        while j + 8 <= count {
            lanes += UnsafeRawPointer(x + j).loadUnaligned(as: Lanes.self)
            j += 8
        }
        var s = lanes.sum()
        while j < count { s += x[j]; j += 1 }
        return s
    }
}
