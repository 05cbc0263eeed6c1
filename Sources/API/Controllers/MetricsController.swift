import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// `GET /api/metrics`: Prometheus text, summed over the whole pool (SharedMetrics), plus
/// gauges read at scrape time: outbox backlog, WAL sizes and, with a replica, replication lag
/// (`ReplicationLag`). nginx lets only loopback in.
enum MetricsController {
    static func metrics(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let services = context.services
        var pending = 0.0
        var failed = 0.0
        var wal: [(labels: String, value: Double)] = []
        let ids = try services.venues.allIDs()
        for id in ids {
            guard let store = try services.venues.store(id) else { continue }
            let counts = try store.outboxCounts()
            pending += Double(counts[.pending] ?? 0)
            failed += Double(counts[.failed] ?? 0)
            wal.append((labels: "database=\"venue:\(id.value)\"", value: Double(DatabaseFiles.walSize(ofDatabaseAt: services.venues.filePath(id)))))
        }
        wal.append((labels: "database=\"auth\"", value: Double(DatabaseFiles.walSize(ofDatabaseAt: services.configuration.authDatabasePath))))
        let lag = ReplicationLag.perDatabase(configuration: services.configuration, venueIDs: ids.map(\.value)).compactMap { entry in
            entry.seconds.map { (labels: "database=\"\(entry.database)\"", value: $0) }
        }
        var gauges: [(name: String, help: String, samples: [(labels: String, value: Double)])] = [
            (name: "booking_outbox_pending", help: "Outbox messages waiting for delivery.", samples: [(labels: "", value: pending)]),
            (name: "booking_outbox_failed", help: "Outbox messages given up after the last attempt.", samples: [(labels: "", value: failed)]),
            (name: "booking_sqlite_wal_bytes", help: "Size of each database's write-ahead log.", samples: wal),
        ]
        if !lag.isEmpty {
            let help = "0 when the replica holds the last write, else the age of its newest LTX file (an upper bound on what it misses)."
            gauges.append((name: "booking_replication_lag_seconds", help: help, samples: lag))
        }
        let text = services.metrics.render(gauges: gauges)
        return Response(
            status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Array(text.utf8))
    }
}
