internal import SQLite

extension VenueStore {
    static let queueColumns = """
        q.event_id, q.opens_at, q.admit_per_minute, q.pass_minutes, q.paused, q.sold_out, q.numbered_at, q.now_serving,
        q.last_position, q.admit_credit, q.last_admit_at
        """

    /// The queue of an event, or nil when it has none: one read by primary key, cheap enough
    /// for every hold of the event to check its pass against.
    public func queue(_ eventID: String) throws -> QueueRecord? {
        try connection.prepare("SELECT \(Self.queueColumns) FROM queue q WHERE q.event_id = ?").bind(eventID).first(Self.queueRow)
    }

    /// How many have joined and are not admitted yet (numbered or not).
    public func queueLength(_ eventID: String) throws -> Int {
        try connection.prepare(
            """
            SELECT count(*) FROM queue_entry e JOIN queue q ON q.event_id = e.event_id
            WHERE e.event_id = ? AND (e.position IS NULL OR e.position > q.now_serving)
            """
        ).bind(eventID).queryInt() ?? 0
    }

    /// Sets up, changes or (with nil) removes the queue of `event`, inside the transaction
    /// of an event change. Removing is refused once anyone has joined, and so is moving its
    /// opening once it has opened.
    func applyQueue(_ settings: QueueSettings?, to event: EventRecord, now: Int, in transaction: VenueTransaction) throws {
        let current = try queue(event.id)
        guard let settings else {
            guard let current else { return }
            let joined = try transaction.prepare("SELECT count(*) FROM queue_entry WHERE event_id = ?").bind(event.id).queryInt() ?? 0
            guard joined == 0 && current.lastPosition == 0 else {
                throw BookingError.invalid("people have joined this queue; it cannot be removed", field: "queue")
            }
            try transaction.prepare("DELETE FROM queue WHERE event_id = ?").bind(event.id).run()
            return
        }
        try Self.validate(settings, salesStartAt: event.salesStartAt)
        if let current, current.settings.opensAt != settings.opensAt, current.settings.opensAt <= now {
            throw BookingError.invalid("the queue is open; its opening cannot move", field: "queue.opensAt")
        }
        try Self.saveQueue(settings, eventID: event.id, in: transaction)
    }

    static func validate(_ settings: QueueSettings, salesStartAt: Int?) throws(BookingError) {
        if let sales = salesStartAt, settings.opensAt > sales {
            throw .invalid("the queue opens at or before the sales start", field: "queue.opensAt")
        }
        guard (0...100_000).contains(settings.admitPerMinute) else {
            throw .invalid("admitPerMinute is 0 (automatic) to 100000", field: "queue.admitPerMinute")
        }
        guard (1...120).contains(settings.passMinutes) else { throw .invalid("passMinutes is 1 to 120", field: "queue.passMinutes") }
    }

    static func saveQueue(_ settings: QueueSettings, eventID: String, in transaction: VenueTransaction) throws {
        try transaction.prepare(
            """
            INSERT INTO queue (event_id, opens_at, admit_per_minute, pass_minutes) VALUES (?, ?, ?, ?)
            ON CONFLICT (event_id) DO UPDATE SET
                opens_at = excluded.opens_at, admit_per_minute = excluded.admit_per_minute, pass_minutes = excluded.pass_minutes
            """
        ).bind(eventID, settings.opensAt, settings.admitPerMinute, settings.passMinutes).run()
    }

    /// Pauses or resumes admission, or changes its rate. A resumed queue earns no admissions
    /// for the time it was paused.
    public func controlQueue(_ eventID: String, paused: Bool?, admitPerMinute: Int?, now: Int) throws {
        if let admitPerMinute, !(0...100_000).contains(admitPerMinute) {
            throw BookingError.invalid("admitPerMinute is 0 (automatic) to 100000", field: "admitPerMinute")
        }
        try write(now: now) { transaction in
            guard try queue(eventID) != nil else { throw BookingError.queueNotFound }
            try transaction.prepare(
                """
                UPDATE queue SET paused = coalesce(?, paused), admit_per_minute = coalesce(?, admit_per_minute),
                    last_admit_at = CASE WHEN last_admit_at IS NULL THEN NULL ELSE ? END
                WHERE event_id = ?
                """
            ).bind(paused, admitPerMinute, now, eventID).run()
            transaction.touch(eventID)  // the event's page shows the rate
        }
    }

    /// A customer's place, or nil when they have not joined.
    public func queueEntry(_ eventID: String, customerID: String) throws -> QueueEntryRecord? {
        try connection.prepare(
            "SELECT customer_id, joined_at, position, admitted_at, pass_expires_at FROM queue_entry WHERE event_id = ? AND customer_id = ?"
        ).bind(eventID, customerID).first(Self.entryRow)
    }

    /// Joins the queue: one place per account (the primary key), so a second join answers
    /// the same place. Before the draw the place has no number; after it, the next one.
    /// `isOpen` is the rules' verdict on the queue as read inside the transaction.
    public func joinQueue(_ eventID: String, customerID: String, now: Int, isOpen: (QueueRecord, EventRecord) throws -> Void) throws -> (
        entry: QueueEntryRecord, created: Bool
    ) {
        try write(now: now) { transaction in
            if let entry = try queueEntry(eventID, customerID: customerID) { return (entry, false) }
            guard let queue = try queue(eventID) else { throw BookingError.queueNotFound }
            try isOpen(queue, try event(eventID))
            let position: Int? = queue.numberedAt == nil ? nil : queue.lastPosition + 1
            try transaction.prepare("INSERT INTO queue_entry (event_id, customer_id, joined_at, position) VALUES (?, ?, ?, ?)")
                .bind(eventID, customerID, now, position).run()
            if let position { try transaction.prepare("UPDATE queue SET last_position = ? WHERE event_id = ?").bind(position, eventID).run() }
            guard let entry = try queueEntry(eventID, customerID: customerID) else { throw BookingError.queueNotFound }
            return (entry, true)
        }
    }

    /// The events of this venue with a queue that may still have work: scheduled, not past.
    public func queuedEventIDs(now: Int) throws -> [String] {
        try connection.prepare(
            "SELECT q.event_id FROM queue q JOIN event e ON e.id = q.event_id WHERE e.status = 'scheduled' AND e.starts_at > ? AND q.opens_at <= ?"
        ).bind(now, now).map { $0.string(0) }
    }

    /// One admission round of an event's queue, in one transaction: the rules see a snapshot
    /// and decide the step (the draw, how many to admit, sold out); the step is written here,
    /// each admitted place getting its pass expiry. Answers the queue after the round and
    /// whether anything changed.
    public func advanceQueue(_ eventID: String, now: Int, rules: (QueueSnapshot) throws -> QueueStep) throws -> (queue: QueueRecord, changed: Bool)? {
        try write(now: now) { transaction in
            guard let queue = try queue(eventID) else { return nil }
            let event = try event(eventID)
            let drawDue = queue.numberedAt == nil && now >= (event.salesStartAt ?? queue.settings.opensAt)
            let unnumbered =
                drawDue
                ? try transaction.prepare("SELECT customer_id FROM queue_entry WHERE event_id = ? AND position IS NULL ORDER BY customer_id")
                    .bind(eventID).map { $0.string(0) } : []
            let snapshot = QueueSnapshot(
                queue: queue, event: event, now: now, unnumbered: unnumbered,
                undecided: try count(
                    """
                    SELECT count(*) FROM queue_entry q WHERE q.event_id = ?1 AND q.admitted_at IS NOT NULL AND q.pass_expires_at > ?2
                    AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.customer_id = q.customer_id AND b.event_id = q.event_id)
                    """, eventID, now, in: transaction),
                expiredUnused: try count(
                    """
                    SELECT count(*) FROM queue_entry q WHERE q.event_id = ?1 AND q.pass_expires_at <= ?2 AND q.returned = 0
                    AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.customer_id = q.customer_id AND b.event_id = q.event_id)
                    """, eventID, now, in: transaction),
                placesLeft: try availability(eventID: eventID, now: now).reduce(0) { $0 + $1.available },
                liveHolds: try count("SELECT count(*) FROM hold WHERE event_id = ?1 AND expires_at > ?2", eventID, now, in: transaction))
            let step = try rules(snapshot)

            var lastPosition = queue.lastPosition
            var numberedAt = queue.numberedAt
            if drawDue, let draw = step.draw {
                precondition(Set(draw) == Set(unnumbered) && draw.count == unnumbered.count, "the draw places everyone who waited")
                for customer in draw {
                    lastPosition += 1
                    try transaction.prepare("UPDATE queue_entry SET position = ? WHERE event_id = ? AND customer_id = ?")
                        .bind(lastPosition, eventID, customer).run()
                }
                numberedAt = now
            }
            // Passes that ran out unused are marked, so each gives its share back only once.
            if snapshot.expiredUnused > 0 {
                try transaction.prepare(
                    """
                    UPDATE queue_entry SET returned = 1 WHERE event_id = ?1 AND pass_expires_at <= ?2 AND returned = 0
                    AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.customer_id = queue_entry.customer_id AND b.event_id = queue_entry.event_id)
                    """
                ).bind(eventID, now).run()
            }
            let nowServing = min(queue.nowServing + max(0, step.admit), lastPosition)
            if nowServing > queue.nowServing {
                try transaction.prepare(
                    "UPDATE queue_entry SET admitted_at = ?, pass_expires_at = ? WHERE event_id = ? AND position > ? AND position <= ?"
                ).bind(now, now + queue.settings.passMinutes * 60, eventID, queue.nowServing, nowServing).run()
            }
            try transaction.prepare(
                """
                UPDATE queue SET numbered_at = ?, last_position = ?, now_serving = ?, admit_credit = ?, last_admit_at = ?, sold_out = ?
                WHERE event_id = ?
                """
            ).bind(numberedAt, lastPosition, nowServing, step.credit, numberedAt == nil ? nil : now, step.soldOut, eventID).run()
            guard let after = try self.queue(eventID) else { return nil }
            let changed = after.nowServing != queue.nowServing || after.soldOut != queue.soldOut || after.numberedAt != queue.numberedAt
            return (after, changed)
        }
    }

    private func count(_ sql: String, _ eventID: String, _ now: Int, in transaction: VenueTransaction) throws -> Int {
        try transaction.prepare(sql).bind(eventID, now).queryInt() ?? 0
    }

    static func queueRow(_ row: Row) throws -> QueueRecord {
        QueueRecord(
            eventID: row.string(0), settings: QueueSettings(opensAt: row.int(1), admitPerMinute: row.int(2), passMinutes: row.int(3)),
            paused: row.int(4) != 0, soldOut: row.int(5) != 0, numberedAt: row.optionalInt(6), nowServing: row.int(7),
            lastPosition: row.int(8), admitCredit: row.int(9), lastAdmitAt: row.optionalInt(10))
    }

    static func entryRow(_ row: Row) throws -> QueueEntryRecord {
        QueueEntryRecord(
            customerID: row.string(0), joinedAt: row.int(1), position: row.optionalInt(2), admittedAt: row.optionalInt(3),
            passExpiresAt: row.optionalInt(4))
    }
}
