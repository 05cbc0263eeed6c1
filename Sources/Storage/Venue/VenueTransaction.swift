import Common
internal import SQLite

/// One write of a venue store, as `VenueStore.write` hands it to its body: the connection in
/// a transaction (a savepoint inside a batch), the time it runs at, and the steps that keep
/// the invariants. Changes noted with `touch` bump the event's version and reach `onChange`
/// when the write commits; there is no other way to write a venue file, so no touch is lost.
struct VenueTransaction {
    let store: VenueStore
    /// The connection, inside the transaction; for the statements of the operation itself.
    let connection: Connection
    /// The time the write runs at (Unix seconds): expiries are compared with it.
    let now: Int

    /// A cached prepared statement on this transaction's connection.
    func prepare(_ sql: String) throws(SQLiteError) -> Statement { try connection.prepare(sql) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { connection.changes }

    /// Notes seats and GA sections of `eventID` that this transaction changes (an event
    /// touched with neither still gets a new version, e.g. when a hold's expiry moved).
    func touch(_ eventID: String, seats: [String] = [], ga: [String] = []) {
        store.pending.touch(eventID, seats: seats, ga: ga)
    }

    /// Deletes the expired holds of `eventID` (their seat claims go with them) and gives their
    /// GA places back. Returns how many were purged.
    @discardableResult
    func purgeExpiredHolds(eventID: String) throws -> Int {
        if store.batching {
            guard store.batchPurged.insert(eventID).inserted else { return 0 }  // once per batch: it runs at one `now`
        }
        let expired = try prepare("SELECT id, customer_id, expires_at FROM hold WHERE event_id = ? AND expires_at <= ?")
            .bind(eventID, now).map { ($0.string(0), $0.string(1), $0.int(2)) }
        for (holdID, customerID, expiredAt) in expired {
            try deleteHold(holdID, eventID: eventID)
            try prepare("INSERT OR IGNORE INTO expired_hold (id, customer_id, expired_at) VALUES (?, ?, ?)")
                .bind(holdID, customerID, expiredAt).run()
        }
        return expired.count
    }

    /// Removes a hold, its seat claims (by cascade) and its GA places.
    func deleteHold(_ holdID: String, eventID: String) throws {
        touch(
            eventID, seats: try prepare("SELECT seat_id FROM seat_claim WHERE hold_id = ?").bind(holdID).map { $0.string(0) },
            ga: try prepare("SELECT section_id FROM hold_ga WHERE hold_id = ?").bind(holdID).map { $0.string(0) })
        try prepare(
            """
            UPDATE ga_stock SET taken = taken - (SELECT quantity FROM hold_ga WHERE hold_id = ? AND section_id = ga_stock.section_id)
            WHERE event_id = ? AND section_id IN (SELECT section_id FROM hold_ga WHERE hold_id = ?)
            """
        ).bind(holdID, eventID, holdID).run()
        try prepare("DELETE FROM hold WHERE id = ?").bind(holdID).run()
    }

    /// Records a change for the notifier and the catalog, in this transaction.
    func appendOutbox(
        kind: OutboxKind, eventID: String?, bookingID: String? = nil, customerID: String? = nil,
        payload: KeyValuePairs<String, String> = [:]
    ) throws {
        try prepare("INSERT INTO outbox (kind, event_id, booking_id, customer_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(kind, eventID, bookingID, customerID, JSONText.object(payload), now).run()
    }
}
