internal import CSystem
import Common
import FoundationEssentials
import Glibc

/// Counters shared by every process of the pool: a file in the runtime directory that the
/// master creates and each worker maps, updated with atomic adds. One scrape of
/// `/api/metrics` (served by any worker) therefore sums the whole pool, and counters survive
/// worker restarts. Layout: requests by route × status, a latency histogram per route, the
/// write-lock wait histogram, and a few process-wide counters.
package final class SharedMetrics {
    static let statuses = [200, 201, 204, 304, 400, 401, 402, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503]
    /// Request latency, from a cached seat map (well under a millisecond) to a slow payment.
    static let latency = SharedHistogram(boundsMicroseconds: [
        1000, 2000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    ])
    /// Write-lock waits: a commit's turn behind other writers, 0.5 ms to a second.
    static let lockWaits = SharedHistogram(boundsMicroseconds: [500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000])

    package enum Counter: Int, CaseIterable {
        case livePublishFailures, busyAnswers, batches, batchedRequests, workerRestarts

        var name: String {
            switch self {
            case .livePublishFailures: "booking_live_publish_failures_total"
            case .busyAnswers: "booking_busy_answers_total"
            case .batches: "booking_request_batches_total"
            case .batchedRequests: "booking_batched_requests_total"
            case .workerRestarts: "booking_worker_restarts_total"
            }
        }

        var help: String {
            switch self {
            case .livePublishFailures: "Seat changes that could not be published to nchan."
            case .busyAnswers: "Requests answered 503 because the database was busy or the disk full."
            case .batches: "Batches of holds or bookings answered together in one transaction per venue."
            case .batchedRequests: "Requests answered as members of a batch."
            case .workerRestarts: "Workers that died and were started again by the master (SIGHUP's replacements not counted)."
            }
        }
    }

    /// "METHOD pattern" of every route, then "unmatched".
    let routes: [String]
    private let routeIndex: [String: Int]
    private let counters: UnsafeMutablePointer<UInt64>

    private static var statusColumns: Int { statuses.count + 1 }
    private var requestsBase: Int { 0 }
    private var latencyBase: Int { routes.count * Self.statusColumns }
    private var lockWaitsBase: Int { latencyBase + routes.count * Self.latency.slots }
    private var countersBase: Int { lockWaitsBase + Self.lockWaits.slots }

    static func slots(routeCount: Int) -> Int {
        (routeCount + 1) * (statusColumns + latency.slots) + lockWaits.slots + Counter.allCases.count
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
        booking_atomic_add(counters + requestsBase + row * Self.statusColumns + column, 1)
        Self.latency.record(microseconds, at: counters + latencyBase + row * Self.latency.slots)
    }

    /// One wait for a venue's write lock.
    package func recordLockWait(microseconds: Int) {
        Self.lockWaits.record(microseconds, at: counters + lockWaitsBase)
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
        return load(requestsBase + row * Self.statusColumns + column)
    }

    /// Writes every family of the shared counters.
    package func write(to out: inout MetricsExposition) {
        out.family("booking_http_requests_total", .counter, help: "Requests answered, by route and status.")
        for (row, route) in routes.enumerated() {
            for column in 0..<Self.statusColumns {
                let value = load(requestsBase + row * Self.statusColumns + column)
                guard value > 0 else { continue }
                let status = column < Self.statuses.count ? String(Self.statuses[column]) : "other"
                out.sample("booking_http_requests_total", Self.labels(route) + [("status", status)], value)
            }
        }
        out.family("booking_http_request_duration_seconds", .histogram, help: "Time from request to response in the worker, by route.")
        for (row, route) in routes.enumerated() {
            let base = counters + latencyBase + row * Self.latency.slots
            guard Self.latency.total(at: base) > 0 else { continue }
            Self.latency.write("booking_http_request_duration_seconds", Self.labels(route), at: base, to: &out)
        }
        out.family("booking_write_lock_wait_seconds", .histogram, help: "Waits for a venue's write lock behind other processes' writes.")
        Self.lockWaits.write("booking_write_lock_wait_seconds", [], at: counters + lockWaitsBase, to: &out)
        let holds = "POST /api/venues/{venueId}/events/{eventId}/holds"
        let bookings = "POST /api/venues/{venueId}/bookings"
        let derived: [(name: String, help: String, routes: [String], status: Int)] = [
            ("booking_bookings_confirmed_total", "Bookings confirmed.", [bookings], 201),
            ("booking_bookings_cancelled_total", "Bookings cancelled.", ["POST /api/venues/{venueId}/bookings/{bookingId}/cancel"], 200),
            ("booking_holds_created_total", "Holds created.", [holds], 201),
            ("booking_conflicts_total", "Holds and bookings refused with 409 (seat taken, sold out).", [holds, bookings], 409),
        ]
        for counter in derived {
            out.single(counter.name, .counter, help: counter.help, counter.routes.reduce(0) { $0 + requests(route: $1, status: counter.status) })
        }
        for counter in Counter.allCases {
            out.single(counter.name, .counter, help: counter.help, value(counter))
        }
    }

    private static func labels(_ route: String) -> MetricsExposition.Labels {
        let parts = route.split(separator: " ", maxSplits: 1)
        let (method, pattern) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", route)
        return [("method", method), ("route", pattern)]
    }
}

/// A histogram in shared words: one count per bucket, one above the last bound, and the sum
/// in microseconds, each added atomically (no lock between processes). The total is the sum
/// of the buckets, so a scrape between two adds still sees `_count` equal to `+Inf`.
struct SharedHistogram {
    let boundsMicroseconds: [Int]

    var slots: Int { boundsMicroseconds.count + 2 }

    func record(_ microseconds: Int, at base: UnsafeMutablePointer<UInt64>) {
        let bucket = boundsMicroseconds.firstIndex { microseconds <= $0 } ?? boundsMicroseconds.count
        booking_atomic_add(base + bucket, 1)
        booking_atomic_add(base + boundsMicroseconds.count + 1, UInt64(max(0, microseconds)))
    }

    func total(at base: UnsafeMutablePointer<UInt64>) -> UInt64 {
        (0...boundsMicroseconds.count).reduce(0) { $0 + booking_atomic_load(base + $1) }
    }

    func write(_ name: String, _ labels: MetricsExposition.Labels, at base: UnsafeMutablePointer<UInt64>, to out: inout MetricsExposition) {
        out.histogram(
            name, labels, bounds: boundsMicroseconds.map { Double($0) / 1_000_000 },
            counts: (0...boundsMicroseconds.count).map { booking_atomic_load(base + $0) },
            sum: Double(booking_atomic_load(base + boundsMicroseconds.count + 1)) / 1_000_000)
    }
}
