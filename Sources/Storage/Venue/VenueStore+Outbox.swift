internal import SQLite

/// What the notifier needs from a venue: pending outbox messages and their delivery state,
/// and the sweeper that clears expired holds.
extension VenueStore {
    /// Messages due for delivery (pending, next attempt not in the future), oldest first.
    public func pendingMessages(now: Int, limit: Int) throws -> [OutboxRow] {
        try connection.prepare(
            """
            SELECT id, kind, event_id, booking_id, customer_id, payload, created_at FROM outbox
            WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """
        ).bind(now, limit).map(OutboxRow.init)
    }

    /// Records the outcome of one delivery attempt: delivered, skipped (nothing to send), or
    /// failed with a retry at `retryAt` (nil: give up, the message stays visible as failed).
    public func recordDelivery(_ id: Int, status: OutboxStatus, error: String? = nil, retryAt: Int? = nil) throws {
        try write(now: Self.clockTime) { transaction in
            if let retryAt {
                try transaction.prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")
                    .bind(retryAt, error, id).run()
            } else {
                try transaction.prepare(
                    "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, delivered_at = CASE WHEN ? THEN strftime('%s','now') END WHERE id = ?"
                )
                .bind(status, error, status == .delivered, id).run()
            }
        }
    }

    /// How long a message that was sent, skipped or given up stays in the outbox (for an
    /// operator's questions): 30 days. Pending ones stay until they are decided.
    public static let outboxRetention = 30 * 86400

    /// Deletes the decided messages older than `outboxRetention`; answers how many. The ids
    /// are never reused (AUTOINCREMENT), so the catalog's cursor and Message-IDs stay apart.
    public func pruneDecidedMessages(now: Int) throws -> Int {
        try write(now: now) { transaction in
            try transaction.prepare("DELETE FROM outbox WHERE status != ? AND created_at < ?")
                .bind(OutboxStatus.pending, now - Self.outboxRetention).run()
            return transaction.changes
        }
    }

    /// The messages not yet sent (due or waiting for a retry) and when the oldest was written.
    public func unsentMail() throws -> (count: Int, oldestAt: Int?) {
        let row = try connection.prepare("SELECT count(*), min(created_at) FROM outbox WHERE status = ?").bind(OutboxStatus.pending)
            .map { ($0.int(0), $0.optionalInt(1)) }
        return row.first ?? (0, nil)
    }

    /// Delivery attempts made so far for a message.
    public func attempts(ofMessage id: Int) throws -> Int {
        try connection.prepare("SELECT attempts FROM outbox WHERE id = ?").bind(id).queryInt() ?? 0
    }

    /// Checkpoints this venue's WAL, truncating it unless a replicator owns that (see `Database.checkpoint`).
    public func checkpoint() throws { try database.checkpoint() }

    /// Counts of outbox messages by status (for metrics and operators).
    public func outboxCounts() throws -> [OutboxStatus: Int] {
        var counts: [OutboxStatus: Int] = [:]
        try connection.prepare("SELECT status, count(*) FROM outbox GROUP BY status").forEach { counts[try $0.value(0)] = $0.int(1) }
        return counts
    }

    /// Deletes every expired hold, one transaction per event, so each event's live
    /// subscribers hear of the freed seats. Returns how many holds went.
    @discardableResult
    public func sweepExpiredHolds(now: Int) throws -> Int {
        let events = try connection.prepare("SELECT DISTINCT event_id FROM hold WHERE expires_at <= ?").bind(now).map { $0.string(0) }
        var swept = 0
        for eventID in events {
            swept += try write(now: now) { transaction in try transaction.purgeExpiredHolds(eventID: eventID) }
        }
        if try connection.prepare("SELECT 1 FROM expired_hold WHERE expired_at < ? LIMIT 1").bind(now - 86400).queryInt() != nil {
            try write(now: now) { try $0.prepare("DELETE FROM expired_hold WHERE expired_at < ?").bind(now - 86400).run() }
        }
        return swept
    }

    /// Distinct customers holding confirmed (or, for a cancelled event, cancelled) bookings.
    public func ticketHolders(eventID: String, status: BookingStatus) throws -> [String] {
        try connection.prepare("SELECT DISTINCT customer_id FROM booking WHERE event_id = ? AND status = ? ORDER BY customer_id")
            .bind(eventID, status).map { $0.string(0) }
    }
}
