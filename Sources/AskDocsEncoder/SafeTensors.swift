// Reads a safetensors file as its format defines it: an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the raw little-endian tensor data. Tensors are
// converted to Float (F32 as is; F16 and BF16 widened) on request.

import Foundation

public struct SafeTensors: Sendable {
    public struct Entry: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var range: Range<Int>
    }

    public enum ReadError: Error, CustomStringConvertible {
        case truncated(String)
        case badHeader(String)
        case missing(String)
        case unsupported(String, String)
        case shape(String, expected: [Int], found: [Int])
        public var description: String {
            switch self {
            case .truncated(let why): return "safetensors file is truncated (\(why))"
            case .badHeader(let why): return "safetensors header is not valid (\(why))"
            case .missing(let name): return "the model has no tensor \(name)"
            case .unsupported(let name, let dtype): return "tensor \(name) has dtype \(dtype); F32, F16 and BF16 are read"
            case .shape(let name, let expected, let found): return "tensor \(name) has shape \(found), expected \(expected)"
            }
        }
    }

    public let entries: [String: Entry]
    let data: Data
    let dataStart: Int

    public init(data: Data) throws {
        guard data.count >= 8 else { throw ReadError.truncated("no header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw ReadError.truncated("header of \(headerLength) bytes") }
        let header = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw ReadError.badHeader("not a JSON object")
        }
        var entries: [String: Entry] = [:]
        let payload = data.count - 8 - Int(headerLength)
        for (name, value) in json where name != "__metadata__" {
            guard let o = value as? [String: Any], let dtype = o["dtype"] as? String,
                  let shape = (o["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (o["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payload else {
                throw ReadError.badHeader("entry \(name)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.data = data
        dataStart = 8 + Int(headerLength)
    }

    public init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url, options: .alwaysMapped))
    }

    /// The tensor's values as Float, row-major; `shape` checked when given.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let e = entries[name] else { throw ReadError.missing(name) }
        if let expected, expected != e.shape { throw ReadError.shape(name, expected: expected, found: e.shape) }
        let count = e.shape.reduce(1, *)
        let width: Int
        switch e.dtype {
        case "F32": width = 4
        case "F16", "BF16": width = 2
        default: throw ReadError.unsupported(name, e.dtype)
        }
        guard e.range.count == count * width else { throw ReadError.badHeader("\(name): \(e.range.count) bytes for \(count) values") }
        let start = dataStart + e.range.lowerBound
        return data.withUnsafeBytes { raw -> [Float] in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + e.range.count)])
            switch e.dtype {
            case "F32":
                return (0..<count).map { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
            case "F16":
                return (0..<count).map { Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian)) }
            default:  // BF16: the high half of an F32
                return (0..<count).map {
                    Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian) << 16)
                }
            }
        }
    }
}
