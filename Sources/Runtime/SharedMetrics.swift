internal import CSystem
import Common
import FoundationEssentials
import Glibc

/// Counters shared by every process of the pool: a file in the runtime directory that the
/// master creates and each worker maps, updated with atomic adds. One scrape of
/// `/api/metrics` (served by any worker) therefore sums the whole pool, and counters survive
/// worker restarts. Layout: requests by route × status, a latency histogram per route, and
/// a few process-wide counters.
package final class SharedMetrics {
    static let statuses = [200, 201, 204, 304, 400, 401, 402, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503]
    static let bucketsMilliseconds = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500]

    package enum Counter: Int, CaseIterable {
        case writeLockWaits, writeLockWaitMicroseconds, writeLockWaitsOver10ms, livePublishFailures, busyAnswers
        case batches, batchedRequests
        var name: String {
            switch self {
            case .writeLockWaits: "booking_write_lock_waits_total"
            case .writeLockWaitMicroseconds: "booking_write_lock_wait_microseconds_total"
            case .writeLockWaitsOver10ms: "booking_write_lock_waits_over_10ms_total"
            case .livePublishFailures: "booking_live_publish_failures_total"
            case .busyAnswers: "booking_busy_answers_total"
            case .batches: "booking_request_batches_total"
            case .batchedRequests: "booking_batched_requests_total"
            }
        }
    }

    /// "METHOD pattern" of every route, then "unmatched".
    let routes: [String]
    private let routeIndex: [String: Int]
    private let counters: UnsafeMutablePointer<UInt64>

    private var statusColumns: Int { Self.statuses.count + 1 }
    private var histogramWidth: Int { Self.bucketsMilliseconds.count + 3 }  // buckets, +Inf, sum (µs), count
    private var requestsBase: Int { 0 }
    private var latencyBase: Int { routes.count * statusColumns }
    private var countersBase: Int { latencyBase + routes.count * histogramWidth }

    static func slots(routeCount: Int) -> Int {
        (routeCount + 1) * (statuses.count + 1) + (routeCount + 1) * (bucketsMilliseconds.count + 3) + Counter.allCases.count
    }

    /// Maps the pool's counter file, or private memory when `path` is nil (tests, commands).
    package init(path: String?, routes: [String]) throws {
        self.routes = routes + ["unmatched"]
        routeIndex = Dictionary(uniqueKeysWithValues: self.routes.enumerated().map { ($1, $0) })
        counters = try PoolMemory.map(path: path, words: Self.slots(routeCount: routes.count))
    }

    /// Creates (or empties) the counter file; called by the master before it starts workers.
    package static func createFile(path: String, routeCount: Int) throws {
        try PoolMemory.create(path: path, words: slots(routeCount: routeCount))
    }

    package func recordRequest(route: String, status: Int, microseconds: Int) {
        let row = routeIndex[route] ?? routes.count - 1
        let column = Self.statuses.firstIndex(of: status) ?? Self.statuses.count
        booking_atomic_add(counters + requestsBase + row * statusColumns + column, 1)
        let histogram = counters + latencyBase + row * histogramWidth
        let bucket = Self.bucketsMilliseconds.firstIndex { microseconds <= $0 * 1000 } ?? Self.bucketsMilliseconds.count
        booking_atomic_add(histogram + bucket, 1)
        booking_atomic_add(histogram + Self.bucketsMilliseconds.count + 1, UInt64(max(0, microseconds)))
        booking_atomic_add(histogram + Self.bucketsMilliseconds.count + 2, 1)
    }

    package func add(_ counter: Counter, _ value: Int = 1) {
        booking_atomic_add(counters + countersBase + counter.rawValue, UInt64(max(0, value)))
    }

    private func load(_ offset: Int) -> UInt64 { booking_atomic_load(counters + offset) }

    /// One counter so far, summed over the pool.
    func value(_ counter: Counter) -> UInt64 { load(countersBase + counter.rawValue) }

    /// Requests answered with `status` on `route` so far, summed over the pool.
    func requests(route: String, status: Int) -> UInt64 {
        guard let row = routeIndex[route], let column = Self.statuses.firstIndex(of: status) else { return 0 }
        return load(requestsBase + row * statusColumns + column)
    }

    /// The Prometheus text exposition of every counter, plus `gauges` computed at scrape time.
    package func render(gauges: [(name: String, help: String, samples: [(labels: String, value: Double)])]) -> String {
        var out = "# HELP booking_http_requests_total Requests answered, by route and status.\n# TYPE booking_http_requests_total counter\n"
        for (row, route) in routes.enumerated() {
            let (method, pattern) = Self.split(route)
            for column in 0..<statusColumns {
                let value = load(requestsBase + row * statusColumns + column)
                guard value > 0 else { continue }
                let status = column < Self.statuses.count ? String(Self.statuses[column]) : "other"
                out += "booking_http_requests_total{method=\"\(method)\",route=\"\(pattern)\",status=\"\(status)\"} \(value)\n"
            }
        }
        out +=
            "# HELP booking_http_request_duration_seconds Time from request to response in the worker.\n# TYPE booking_http_request_duration_seconds histogram\n"
        for (row, route) in routes.enumerated() {
            let base = latencyBase + row * histogramWidth
            let count = load(base + Self.bucketsMilliseconds.count + 2)
            guard count > 0 else { continue }
            let (method, pattern) = Self.split(route)
            let labels = "method=\"\(method)\",route=\"\(pattern)\""
            var cumulative: UInt64 = 0
            for (index, limit) in Self.bucketsMilliseconds.enumerated() {
                cumulative += load(base + index)
                out += "booking_http_request_duration_seconds_bucket{\(labels),le=\"\(Double(limit) / 1000)\"} \(cumulative)\n"
            }
            out += "booking_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(count)\n"
            out += "booking_http_request_duration_seconds_sum{\(labels)} \(Double(load(base + Self.bucketsMilliseconds.count + 1)) / 1_000_000)\n"
            out += "booking_http_request_duration_seconds_count{\(labels)} \(count)\n"
        }
        let derived: [(String, String, String, [Int])] = [
            ("booking_bookings_confirmed_total", "Bookings confirmed.", "POST /api/venues/{venueId}/bookings", [201]),
            ("booking_bookings_cancelled_total", "Bookings cancelled.", "POST /api/venues/{venueId}/bookings/{bookingId}/cancel", [200]),
            ("booking_holds_created_total", "Holds created.", "POST /api/venues/{venueId}/events/{eventId}/holds", [201]),
            ("booking_conflicts_total", "Holds and bookings refused with 409 (seat taken, sold out).", "", [409]),
        ]
        for (name, help, route, statuses) in derived {
            let rows = route.isEmpty ? ["POST /api/venues/{venueId}/events/{eventId}/holds", "POST /api/venues/{venueId}/bookings"] : [route]
            let value = rows.reduce(UInt64(0)) { sum, row in statuses.reduce(sum) { $0 + requests(route: row, status: $1) } }
            out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n\(name) \(value)\n"
        }
        for counter in Counter.allCases {
            out += "# TYPE \(counter.name) counter\n\(counter.name) \(load(countersBase + counter.rawValue))\n"
        }
        for gauge in gauges {
            out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            for sample in gauge.samples { out += "\(gauge.name)\(sample.labels.isEmpty ? "" : "{\(sample.labels)}") \(sample.value)\n" }
        }
        return out
    }

    private static func split(_ route: String) -> (String, String) {
        let parts = route.split(separator: " ", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", route)
    }
}
