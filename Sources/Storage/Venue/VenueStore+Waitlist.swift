internal import SQLite

/// A customer waiting for places of a sold-out event (or one section of it).
public struct WaitlistEntry: Sendable, Equatable {
    public let id: String
    public let eventID: String
    public let customerID: String
    public let sectionID: String?
    public let quantity: Int
    public let createdAt: Int
}

extension WaitlistEntry {
    /// Columns: id, event_id, customer_id, section_id, quantity, created_at.
    init(row: Row) {
        self.init(
            id: row.string(0), eventID: row.string(1), customerID: row.string(2), sectionID: row.optionalString(3),
            quantity: row.int(4), createdAt: row.int(5))
    }
}

extension VenueStore {
    public func joinWaitlist(eventID: String, customerID: String, sectionID: String?, quantity: Int, now: Int) throws -> WaitlistEntry {
        let event = try event(eventID)
        guard event.status == .scheduled else { throw BookingError.eventCancelled }
        guard now < event.startsAt else { throw BookingError.notOnSale("the event has started") }
        if let sectionID, !(try sections().contains { $0.id == sectionID }) {
            throw BookingError.invalid("unknown section \(sectionID)", field: "section")
        }
        guard (1...min(event.maxPerCustomer, HoldRequest.maxItems)).contains(quantity) else {
            throw BookingError.invalid("quantity is 1 to \(min(event.maxPerCustomer, HoldRequest.maxItems))", field: "quantity")
        }
        let free = try availability(eventID: eventID, now: now, section: sectionID).map(\.available).max() ?? 0
        guard free < quantity else { throw BookingError.placesAvailable(free) }
        let entry = WaitlistEntry(
            id: Identifier.makeTimeOrdered("w_"), eventID: eventID, customerID: customerID, sectionID: sectionID,
            quantity: quantity, createdAt: now)
        try write(now: now) { transaction in
            try transaction.prepare("INSERT INTO waitlist (id, event_id, customer_id, section_id, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(entry.id, eventID, customerID, sectionID, quantity, now).run()
        }
        return entry
    }

    /// Removes the customer's entry; `waitlistEntryNotFound` for anyone else's.
    public func leaveWaitlist(_ entryID: String, customerID: String) throws {
        try write(now: Self.clockTime) { transaction in
            try transaction.prepare("DELETE FROM waitlist WHERE id = ? AND customer_id = ?").bind(entryID, customerID).run()
            guard transaction.changes == 1 else { throw BookingError.waitlistEntryNotFound }
        }
    }

    /// Gives the earliest waiting entries whose places are free a priority hold of them, and
    /// queues their email in the same transaction. Entries of started or cancelled events
    /// end. Returns how many entries were matched.
    @discardableResult
    public func matchWaitlist(now: Int, holdTTL: Int) throws -> Int {
        let waiting = try connection.prepare(
            """
            SELECT w.id, w.event_id, w.customer_id, w.section_id, w.quantity, w.created_at FROM waitlist w JOIN event e ON e.id = w.event_id
            WHERE w.notified_at IS NULL AND e.status = 'scheduled' AND e.starts_at > ? ORDER BY w.created_at, w.id
            """
        ).bind(now).map(WaitlistEntry.init)
        try endFinishedEntries(now: now)
        var matched = 0
        for entry in waiting {
            do {
                let made = try write(now: now) { transaction -> Bool in
                    try transaction.purgeExpiredHolds(eventID: entry.eventID)
                    guard let request = try freePlaces(for: entry, in: transaction.connection) else { return false }
                    let hold = try transaction.insertHold(
                        eventID: entry.eventID, customerID: entry.customerID, request: request,
                        state: .active, expiresAt: now + holdTTL)
                    try transaction.prepare("UPDATE waitlist SET notified_at = ?, hold_id = ? WHERE id = ?").bind(now, hold.id, entry.id).run()
                    try transaction.appendOutbox(
                        kind: .waitlistMatch, eventID: entry.eventID, customerID: entry.customerID,
                        payload: ["holdId": hold.id, "entryId": entry.id])
                    return true
                }
                if made { matched += 1 }
            } catch is BookingError {
                continue  // e.g. over the customer's limit: the entry waits on
            }
        }
        return matched
    }

    private func endFinishedEntries(now: Int) throws {
        let finished =
            try connection.prepare(
                """
                SELECT count(*) FROM waitlist w JOIN event e ON e.id = w.event_id WHERE e.starts_at <= ? OR e.status <> 'scheduled'
                """
            ).bind(now).queryInt() ?? 0
        guard finished > 0 else { return }
        try write(now: now) { transaction in
            try transaction.prepare(
                """
                DELETE FROM waitlist WHERE event_id IN (SELECT id FROM event WHERE starts_at <= ? OR status <> 'scheduled')
                """
            ).bind(now).run()
        }
    }

    /// Free seats (or GA places) for `entry`, in its section or, without one, the first
    /// section that has enough; nil when none has.
    private func freePlaces(for entry: WaitlistEntry, in connection: Connection) throws -> HoldRequest? {
        for section in try sections() where entry.sectionID == nil || entry.sectionID == section.id {
            switch section.kind {
            case .seated:
                let seats = try connection.prepare(
                    """
                    SELECT s.id FROM seat s WHERE s.section_id = ?
                      AND NOT EXISTS (SELECT 1 FROM seat_claim c WHERE c.event_id = ? AND c.seat_id = s.id)
                    ORDER BY s.position LIMIT ?
                    """
                ).bind(section.id, entry.eventID, entry.quantity).map { $0.string(0) }
                if seats.count == entry.quantity { return HoldRequest(seats: seats, ga: []) }
            case .ga:
                let left =
                    try connection.prepare("SELECT capacity - taken FROM ga_stock WHERE event_id = ? AND section_id = ?")
                    .bind(entry.eventID, section.id).queryInt() ?? 0
                if left >= entry.quantity { return HoldRequest(seats: [], ga: [GAQuantity(sectionID: section.id, quantity: entry.quantity)]) }
            }
        }
        return nil
    }
}
