internal import SQLite

/// A payment as its customer may see it: what was charged or refunded, never the provider's
/// internals.
public struct PaymentSummary: Sendable, Equatable {
    public let id: String
    public let bookingID: String?
    public let amount: Int
    public let currency: String
    public let state: PaymentState
    public let createdAt: Int
    public let updatedAt: Int
}

/// Everything one venue keeps about one customer. A venue stores only the customer's id:
/// names and email addresses live in the auth database.
public struct CustomerRecords: Sendable, Equatable {
    public let bookings: [BookingRecord]
    /// Live holds (the waiting list's priority holds among them).
    public let holds: [HoldRecord]
    public let waitlist: [WaitlistEntry]
    public let payments: [PaymentSummary]

    public var isEmpty: Bool { bookings.isEmpty && holds.isEmpty && waitlist.isEmpty && payments.isEmpty }
}

extension VenueStore {
    /// What this venue keeps about `customerID`, oldest first (the export of their own data).
    public func records(ofCustomer customerID: String, now: Int) throws -> CustomerRecords {
        try database.read { connection in
            let bookingIDs = try connection.prepare("SELECT id FROM booking WHERE customer_id = ? ORDER BY created_at, id")
                .bind(customerID).map { $0.string(0) }
            let holdIDs = try connection.prepare("SELECT id FROM hold WHERE customer_id = ? AND expires_at > ? ORDER BY created_at, id")
                .bind(customerID, now).map { $0.string(0) }
            return CustomerRecords(
                bookings: try bookingIDs.compactMap { try loadBooking($0, in: connection) },
                holds: try holdIDs.compactMap { try loadHold($0, in: connection) },
                waitlist: try connection.prepare(
                    """
                    SELECT id, event_id, customer_id, section_id, quantity, created_at FROM waitlist
                    WHERE customer_id = ? ORDER BY created_at, id
                    """
                ).bind(customerID).map(WaitlistEntry.init),
                payments: try connection.prepare(
                    """
                    SELECT id, booking_id, amount, currency, state, created_at, updated_at FROM payment
                    WHERE customer_id = ? ORDER BY created_at, id
                    """
                ).bind(customerID).map { row in
                    PaymentSummary(
                        id: row.string(0), bookingID: row.optionalString(1), amount: row.int(2), currency: row.string(3),
                        state: try row.value(4), createdAt: row.int(5), updatedAt: row.int(6))
                })
        }
    }

    /// Forgets what is pending for a customer whose account is deleted: their holds are
    /// released (the seats free at once), their waiting-list entries and stored answers to
    /// retried requests removed, and their unsent email dropped. Bookings and payments stay,
    /// under the bare customer id, for the organizer's accounts. A hold being paid for right
    /// now is left to its payment (confirmed or released by the checkout or the reconciler).
    public func forget(customer customerID: String, now: Int) throws {
        try write(now: now) { transaction in
            let holds = try transaction.prepare("SELECT id, event_id FROM hold WHERE customer_id = ? AND (state = ? OR expires_at <= ?)")
                .bind(customerID, HoldState.active, now).map { ($0.string(0), $0.string(1)) }
            for (holdID, eventID) in holds { try transaction.deleteHold(holdID, eventID: eventID) }
            try transaction.prepare("DELETE FROM waitlist WHERE customer_id = ?").bind(customerID).run()
            // A claim still unanswered belongs to a payment under way; its answer comes in time.
            try transaction.prepare("DELETE FROM idempotency WHERE customer_id = ? AND status IS NOT NULL").bind(customerID).run()
            try transaction.prepare("DELETE FROM expired_hold WHERE customer_id = ?").bind(customerID).run()
            try transaction.prepare("UPDATE outbox SET status = ? WHERE customer_id = ? AND status = ?")
                .bind(OutboxStatus.skipped, customerID, OutboxStatus.pending).run()
        }
    }
}
