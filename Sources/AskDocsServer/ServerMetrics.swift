// The numbers `/metrics` exposes in Prometheus' text format (swift-prometheus, one registry per server):
// requests by route and status, a latency histogram, index size, last reindex time and duration.

import AskDocsEngine
import Foundation
import Prometheus
import Synchronization

public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(5),
    ]
    let reindexes: Counter
    let lastReindexTime: Gauge
    let lastReindexDuration: Gauge
    let indexBytes: Gauge
    let reindexFailures: Counter
    let updateFailing: Gauge
    let vectorFailures: Counter
    let indexDamaged: Gauge

    public init() {
        reindexes = registry.makeCounter(descriptor: Self.name("reindex", "total", "Reindexes run by this server."))
        lastReindexTime = registry.makeGauge(descriptor: Self.name(
            "last_reindex_timestamp", "seconds", "When the last reindex finished (Unix time)."))
        lastReindexDuration = registry.makeGauge(descriptor: Self.name(
            "last_reindex_duration", "seconds", "How long the last reindex took."))
        indexBytes = registry.makeGauge(descriptor: Self.name(
            "index", "bytes", "Size of the index file and its write-ahead log."))
        reindexFailures = registry.makeCounter(descriptor: Self.name(
            "reindex_failures", "total", "Reindexes that failed (the previous index stayed in use)."))
        // A 0/1 state has no unit: the empty unit leaves the name as it is.
        updateFailing = registry.makeGauge(descriptor: Self.name(
            "index_update_failing", "",
            "1 while the last attempt to update the index failed (answers come from the index as it was), else 0."))
        vectorFailures = registry.makeCounter(descriptor: Self.name(
            "vector_pass_failures", "total", "Batches of chunks that could not be embedded (ranking falls back to words)."))
        indexDamaged = registry.makeGauge(descriptor: Self.name(
            "index_damaged", "", "1 while a request has found the index file damaged (until it is rebuilt), else 0."))
    }

    func recordReindexFailure() {
        reindexFailures.increment()
        updateFailing.set(Double(1))
    }

    /// The registry looks metrics up by name and labels under its lock; the hot path keeps its own.
    private let perRoute = Mutex<[String: (requests: [String: Counter], latency: DurationHistogram)]>([:])

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = method + " " + String(status)
        let (counter, histogram) = perRoute.withLock { table -> (Counter, DurationHistogram) in
            var entry = table[route] ?? (requests: [:], latency: registry.makeDurationHistogram(
                descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets))
            let counter = entry.requests[key] ?? registry.makeCounter(
                descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))])
            entry.requests[key] = counter
            table[route] = entry
            return (counter, entry.latency)
        }
        counter.increment()
        histogram.record(duration)
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "askdocs", metricName: metric, unitName: unit, helpText: help)
    }
    static var requests: MetricNameDescriptor { name("http_requests", "total", "HTTP requests by route, method and status.") }
    static var latency: MetricNameDescriptor { name("http_request_duration", "seconds", "Time to the response head, by route.") }

    func recordReindex(_ summary: IndexSummary) {
        reindexes.increment()
        updateFailing.set(Double(0))
        lastReindexTime.set(Date().timeIntervalSince1970)
        lastReindexDuration.set(summary.seconds)
    }

    /// The exposition text, with the index size read now.
    func render(indexPath: String) -> String {
        let size = [indexPath, indexPath + "-wal"].reduce(Int64(0)) { total, path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
        indexBytes.set(Double(size))
        return registry.emitToString()
    }
}
