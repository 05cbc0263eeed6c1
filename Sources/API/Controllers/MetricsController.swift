import Auth
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// `GET /api/metrics`: Prometheus text, summed over the whole pool (SharedMetrics), plus what
/// is read at scrape time: the build, the notifier's email counts (MailCounters), outbox
/// backlog, WAL sizes and, with a replica, replication lag (`ReplicationLag`). Loopback
/// clients are answered; another host needs `BOOKING_METRICS_TOKEN` as a bearer token.
enum MetricsController {
    static func metrics(_ request: Request, _ context: inout RequestContext) throws -> Response {
        try authorize(request, token: context.services.configuration.metricsToken)
        var out = MetricsExposition()
        out.family("booking_build_info", .gauge, help: "Always 1; its labels name the version of booking-fcgi and the Swift that built it.")
        out.sample("booking_build_info", [("version", BuildInfo.version), ("swift", BuildInfo.swift)], UInt64(1))
        context.services.metrics.write(to: &out)
        let mail = MailCounters.read(dataDirectory: context.services.configuration.dataDirectory)
        out.family(
            "booking_emails_sent_total", .counter,
            help: "Emails handed to sendmail by the notifier, by result (failed: each attempt refused, retries too).")
        for result in MailCounters.Result.allCases { out.sample("booking_emails_sent_total", [("result", result.label)], mail[result] ?? 0) }
        try writeDatabaseGauges(context.services, to: &out)
        return Response(
            status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Array(out.text.utf8))
    }

    /// Loopback (nginx's `$remote_addr`, the real client's behind trusted proxies) is let in
    /// as before; any other address needs the configured token: none sent is 401, a wrong one
    /// (or any, with no token configured) 403. Digests are compared, in constant time, so
    /// neither the token's bytes nor its length show in the timing.
    static func authorize(_ request: Request, token: String?) throws {
        if ["127.0.0.1", "::1"].contains(request.remoteAddress) { return }
        guard let token else { throw APIError.forbidden("the metrics are answered to loopback clients only (set BOOKING_METRICS_TOKEN for others)") }
        guard request.header("authorization") != nil else {
            var error = APIError(.unauthorized, "unauthenticated", "send the metrics token as Authorization: Bearer <token>")
            error.headers.append(("WWW-Authenticate", "Bearer realm=\"metrics\""))
            throw error
        }
        let sent = request.bearerToken ?? ""
        guard SessionToken.constantTimeEquals(SessionToken.storageHash(of: sent), SessionToken.storageHash(of: token)) else {
            throw APIError(.forbidden, "invalid_token", "the metrics token is not valid")
        }
    }

    /// Read from the databases at scrape time: outbox messages by state, WAL sizes, replica lag.
    private static func writeDatabaseGauges(_ services: Services, to out: inout MetricsExposition) throws {
        var outbox: [OutboxStatus: Int] = [:]
        var wal: [(database: String, bytes: Int)] = []
        let ids = try services.venues.allIDs()
        for id in ids {
            guard let store = try services.venues.store(id) else { continue }
            outbox.merge(try store.outboxCounts(), uniquingKeysWith: +)
            wal.append(("venue:" + id.value, DatabaseFiles.walSize(ofDatabaseAt: services.venues.filePath(id))))
        }
        wal.append(("auth", DatabaseFiles.walSize(ofDatabaseAt: services.configuration.authDatabasePath)))
        out.family(
            "booking_outbox_messages", .gauge, help: "Outbox messages of every venue not sent: pending (waiting for delivery) or failed (given up).")
        for state in [OutboxStatus.pending, .failed] {
            out.sample("booking_outbox_messages", [("state", state.rawValue)], Double(outbox[state] ?? 0))
        }
        out.family("booking_sqlite_wal_bytes", .gauge, help: "Size of each database's write-ahead log.")
        for (database, bytes) in wal { out.sample("booking_sqlite_wal_bytes", [("database", database)], Double(bytes)) }
        let lag = ReplicationLag.perDatabase(configuration: services.configuration, venueIDs: ids.map(\.value))
        guard lag.contains(where: { $0.seconds != nil }) else { return }
        out.family(
            "booking_replication_lag_seconds", .gauge,
            help: "0 when the replica holds the last write, else the age of its newest LTX file (an upper bound on what it misses).")
        for entry in lag { if let seconds = entry.seconds { out.sample("booking_replication_lag_seconds", [("database", entry.database)], seconds) } }
    }
}
