// The server's log output: swift-log lines gathered in memory and written to stderr in batches (every
// 100 ms, at 64 KB, at once for warnings and errors, and on shutdown). One `write` per request line halved
// cached-answer throughput under load; formatting is the same shape as swift-log's StreamLogHandler.

import Foundation
import Logging
import Synchronization

public final class BufferedLogOutput: Sendable {
    public static let standardError = BufferedLogOutput(fd: 2)

    let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private let flusher = Mutex<Thread?>(nil)

    init(fd: Int32) { self.fd = fd }

    /// A swift-log handler writing here.
    public func handler(label: String, level: Logger.Level) -> some LogHandler {
        startFlushing()
        return Handler(label: label, logLevel: level, output: self)
    }

    func append(_ line: String, urgent: Bool) {
        let full = buffer.withLock { b -> Bool in
            b.append(contentsOf: line.utf8)
            return b.count >= 64 * 1024
        }
        if urgent || full { flush() }
    }

    /// Writes out whatever is buffered.
    public func flush() {
        let bytes = buffer.withLock { b -> [UInt8] in
            defer { b.removeAll(keepingCapacity: true) }
            return b
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
    }

    private func startFlushing() {
        flusher.withLock { thread in
            guard thread == nil else { return }
            let t = Thread { [self] in
                while true {
                    Thread.sleep(forTimeInterval: 0.1)
                    flush()
                }
            }
            t.name = "askdocs-log-flush"
            t.start()
            thread = t
        }
    }

    struct Handler: LogHandler {
        let label: String
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]
        let output: BufferedLogOutput

        init(label: String, logLevel: Logger.Level, output: BufferedLogOutput) {
            self.label = label
            self.logLevel = logLevel
            self.output = output
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var fields = ""
            if !metadata.isEmpty || !(event.metadata?.isEmpty ?? true) {
                var all = metadata
                if let extra = event.metadata { all.merge(extra) { $1 } }
                fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
            let line = "\(Timestamp.now()) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) \(event.message)\n"
            output.append(line, urgent: event.level >= .warning)
        }
    }
}

/// ISO 8601 UTC timestamps, formatted once per second.
enum Timestamp {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let second = spec.tv_sec
        return cache.withLock { c in
            if c.second == second { return c.text }
            var t = second
            var parts = tm()
            gmtime_r(&t, &parts)
            c = (second, String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec))
            return c.text
        }
    }
}
