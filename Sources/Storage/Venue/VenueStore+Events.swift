import Common
import FoundationEssentials
internal import SQLite

/// What an organizer sends to create an event.
public struct EventDraft: Sendable {
    public var title: String
    public var description: String
    public var startsAt: Int
    public var endsAt: Int?
    public var currency: String
    public var prices: [String: Int]
    public var maxPerCustomer: Int
    public var salesStartAt: Int?
    public var salesEndAt: Int?
    /// The on-sale queue, made with the event (so no hold ever slips in before it).
    public var queue: QueueSettings?
    /// Sections sold only with a voucher that names them.
    public var hiddenSections: [String] = []

    public init(
        title: String, description: String = "", startsAt: Int, endsAt: Int? = nil, currency: String,
        prices: [String: Int], maxPerCustomer: Int = 10, salesStartAt: Int? = nil, salesEndAt: Int? = nil,
        queue: QueueSettings? = nil
    ) {
        self.title = title
        self.description = description
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.currency = currency
        self.prices = prices
        self.maxPerCustomer = maxPerCustomer
        self.salesStartAt = salesStartAt
        self.salesEndAt = salesEndAt
        self.queue = queue
    }
}

/// The fields an organizer may change; nil leaves a field as it is.
public struct EventPatch: Sendable {
    public var title: String?
    public var description: String?
    public var startsAt: Int?
    public var endsAt: Int?
    public var prices: [String: Int]?
    public var maxPerCustomer: Int?
    /// Nil: the queue stays as it is; `.some(nil)`: removed; otherwise set.
    public var queue: QueueSettings??
    public var hiddenSections: [String]?
    public init() {}
}

extension VenueStore {
    static let eventColumns =
        "id, title, description, starts_at, ends_at, currency, sales_start_at, sales_end_at, max_per_customer, status, version, created_at"

    public func createEvent(id: String, draft: EventDraft, now: Int) throws -> EventRecord {
        let sections = try sections()
        // Checked at creation only: an event created before codes were checked stays editable.
        guard Currency(code: draft.currency) != nil else {
            throw BookingError.invalid("currency is an ISO 4217 code in circulation, such as EUR, JPY or KWD", field: "currency")
        }
        try validate(draft, sections: sections)
        if let queue = draft.queue { try Self.validate(queue, salesStartAt: draft.salesStartAt) }
        try write(now: now) { transaction in
            try transaction.prepare(
                """
                INSERT INTO event (\(Self.eventColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """
            ).bind(
                id, draft.title, draft.description, draft.startsAt, draft.endsAt, draft.currency,
                draft.salesStartAt, draft.salesEndAt, draft.maxPerCustomer, EventStatus.scheduled, now
            ).run()
            for section in sections {
                try transaction.prepare("INSERT INTO price (event_id, section_id, amount, hidden) VALUES (?, ?, ?, ?)")
                    .bind(id, section.id, draft.prices[section.id]!, draft.hiddenSections.contains(section.id)).run()
                if section.kind == .ga {
                    try transaction.prepare("INSERT INTO ga_stock (event_id, section_id, capacity) VALUES (?, ?, ?)")
                        .bind(id, section.id, section.capacity).run()
                }
            }
            if let queue = draft.queue { try Self.saveQueue(queue, eventID: id, in: transaction) }
            try transaction.appendOutbox(kind: .eventChanged, eventID: id)
        }
        return try event(id)
    }

    public func event(_ id: String) throws -> EventRecord {
        if batching, let known = batchEvents[id] { return known }
        guard let event = try connection.prepare("SELECT \(Self.eventColumns) FROM event WHERE id = ?").bind(id).first(eventRow) else {
            throw BookingError.eventNotFound
        }
        if batching { batchEvents[id] = event }
        return event
    }

    /// How many times the event's time has changed (migration 6): its calendar entries'
    /// revision, 0 for an event never moved.
    public func scheduleRevision(eventID: String) throws -> Int {
        guard let revision = try connection.prepare("SELECT schedule_revision FROM event WHERE id = ?").bind(eventID).queryInt() else {
            throw BookingError.eventNotFound
        }
        return revision
    }

    /// All events of this venue, soonest first.
    public func events() throws -> [EventRecord] {
        try connection.prepare("SELECT \(Self.eventColumns) FROM event ORDER BY starts_at, id").map(eventRow)
    }

    private func eventRow(_ row: Row) throws -> EventRecord {
        let id = row.string(0)
        var prices: [String: Int] = [:]
        var hidden: [String] = []
        let sql =
            "SELECT p.section_id, p.amount, p.hidden FROM price p JOIN section s ON s.id = p.section_id WHERE p.event_id = ? ORDER BY s.position"
        try connection.prepare(sql).bind(id).forEach { row in
            prices[row.string(0)] = row.int(1)
            if row.int(2) == 1 { hidden.append(row.string(0)) }
        }
        return try EventRecord(row: row, prices: prices, hiddenSections: hidden)
    }

    public func updateEvent(_ id: String, patch: EventPatch, now: Int) throws -> EventRecord {
        let current = try event(id)
        guard current.status == .scheduled else { throw BookingError.eventCancelled }
        var draft = EventDraft(
            title: patch.title ?? current.title, description: patch.description ?? current.description,
            startsAt: patch.startsAt ?? current.startsAt, endsAt: patch.endsAt ?? current.endsAt,
            currency: current.currency, prices: current.prices,
            maxPerCustomer: patch.maxPerCustomer ?? current.maxPerCustomer,
            salesStartAt: current.salesStartAt, salesEndAt: current.salesEndAt)
        draft.hiddenSections = patch.hiddenSections ?? current.hiddenSections
        if let prices = patch.prices { draft.prices.merge(prices) { $1 } }
        try validate(draft, sections: try sections())
        let moved = draft.startsAt != current.startsAt || draft.endsAt != current.endsAt
        try write(now: now) { transaction in
            transaction.touch(id)
            try transaction.prepare(
                """
                UPDATE event SET title = ?, description = ?, starts_at = ?, ends_at = ?, max_per_customer = ?
                WHERE id = ?
                """
            ).bind(draft.title, draft.description, draft.startsAt, draft.endsAt, draft.maxPerCustomer, id).run()
            for (section, amount) in draft.prices {
                try transaction.prepare("UPDATE price SET amount = ?, hidden = ? WHERE event_id = ? AND section_id = ?")
                    .bind(amount, draft.hiddenSections.contains(section), id, section).run()
            }
            if let queue = patch.queue { try applyQueue(queue, to: current, now: now, in: transaction) }
            try transaction.appendOutbox(kind: .eventChanged, eventID: id)
            if moved {
                try transaction.prepare("UPDATE event SET schedule_revision = schedule_revision + 1 WHERE id = ?").bind(id).run()
                for customerID in try ticketHolders(eventID: id, status: .confirmed) {
                    try transaction.appendOutbox(
                        kind: .eventMoved, eventID: id, customerID: customerID,
                        payload: ["oldStartsAt": "\(current.startsAt)", "startsAt": "\(draft.startsAt)"])
                }
            }
        }
        return try event(id)
    }

    private func validate(_ draft: EventDraft, sections: [SectionRecord]) throws(BookingError) {
        try TextRules.name(draft.title, field: "title")
        try TextRules.description(draft.description, field: "description")
        if let endsAt = draft.endsAt, endsAt <= draft.startsAt { throw .invalid("endsAt must be after startsAt", field: "endsAt") }
        if let start = draft.salesStartAt, let end = draft.salesEndAt, end <= start {
            throw .invalid("salesEndAt must be after salesStartAt", field: "salesEndAt")
        }
        guard (1...100).contains(draft.maxPerCustomer) else {
            throw .invalid("maxTicketsPerCustomer is 1 to 100", field: "maxTicketsPerCustomer")
        }
        let known = Set(sections.map(\.id))
        if let unknown = draft.prices.keys.first(where: { !known.contains($0) }) {
            throw .invalid("prices names an unknown section \(unknown)", field: "prices")
        }
        if let missing = sections.first(where: { draft.prices[$0.id] == nil }) {
            throw .invalid("prices needs an amount for section \(missing.id)", field: "prices")
        }
        guard draft.prices.values.allSatisfy({ (0...100_000_000).contains($0) }) else {
            throw .invalid("prices are 0 to 100000000 minor units", field: "prices")
        }
        if let unknown = draft.hiddenSections.first(where: { !known.contains($0) }) {
            throw .invalid("hiddenSections names an unknown section \(unknown)", field: "hiddenSections")
        }
    }

    /// Free seats and GA places per section right now (expired holds count as free); only
    /// `section`'s when given, so a write can report one GA section without counting a whole
    /// seated house.
    public func availability(eventID: String, now: Int, section: String? = nil) throws -> [SectionAvailability] {
        try connection.prepare(
            """
            SELECT s.id, s.capacity,
                   CASE s.kind
                   WHEN 'ga' THEN g.capacity - g.taken
                        + coalesce((SELECT sum(hg.quantity) FROM hold_ga hg JOIN hold h ON h.id = hg.hold_id
                                    WHERE h.event_id = ?1 AND h.expires_at <= ?2 AND hg.section_id = s.id), 0)
                   ELSE s.capacity - (SELECT count(*) FROM seat_claim c JOIN seat st ON st.id = c.seat_id
                                      LEFT JOIN hold h ON h.id = c.hold_id
                                      WHERE c.event_id = ?1 AND st.section_id = s.id
                                        AND (c.booking_id IS NOT NULL OR h.expires_at > ?2))
                   END
            FROM section s LEFT JOIN ga_stock g ON g.event_id = ?1 AND g.section_id = s.id
            WHERE ?3 IS NULL OR s.id = ?3
            ORDER BY s.position
            """
        ).bind(eventID, now, section).map(SectionAvailability.init)
    }

    /// The version of every scheduled event (it moves with every change of its seats).
    public func eventVersions() throws -> [String: Int] {
        Dictionary(
            try connection.prepare("SELECT id, version FROM event WHERE status = ?").bind(EventStatus.scheduled).map { ($0.string(0), $0.int(1)) }
        ) { first, _ in first }
    }

    /// Free places (seats and GA) of each of `eventIDs` right now, read in one snapshot: a
    /// list of events asks each venue once instead of once per event.
    public func availablePlaces(eventIDs: [String], now: Int) throws -> [String: Int] {
        try database.read { _ in
            var places: [String: Int] = [:]
            for eventID in eventIDs {
                // A hidden section is sold only with a voucher naming it: not places the public has.
                let hidden = Set(
                    try connection.prepare("SELECT section_id FROM price WHERE event_id = ? AND hidden").bind(eventID).map { $0.string(0) })
                places[eventID] = try availability(eventID: eventID, now: now).filter { !hidden.contains($0.sectionID) }.reduce(0) {
                    $0 + $1.available
                }
            }
            return places
        }
    }

    /// The cheap part of a seat map's ETag: the event's version and the earliest expiry of a
    /// live hold (after which the map changes without a write).
    /// One statement, so one read snapshot: this answers every conditional request.
    public func seatMapTag(eventID: String, now: Int) throws -> (version: Int, nextExpiry: Int?)? {
        try connection.prepare(
            """
            SELECT version, (SELECT min(expires_at) FROM hold WHERE event_id = ?1 AND expires_at > ?2) FROM event WHERE id = ?1
            """
        ).bind(eventID, now).first { ($0.int(0), $0.optionalInt(1)) }
    }

    /// Every seat with its price and state, and every GA section, in one snapshot.
    public func seatMap(eventID: String, now: Int) throws -> SeatMap {
        try database.read { connection in
            let event = try event(eventID)
            let hidden = Set(event.hiddenSections)
            let seats = try connection.prepare(
                """
                SELECT s.id, s.section_id, s.row_label, s.number, s.x, s.y, s.attributes,
                       CASE WHEN c.booking_id IS NOT NULL THEN 2 WHEN h.expires_at > ? THEN 1 ELSE 0 END
                FROM seat s
                LEFT JOIN seat_claim c ON c.event_id = ? AND c.seat_id = s.id
                LEFT JOIN hold h ON h.id = c.hold_id
                ORDER BY s.position
                """
            ).bind(now, eventID).map { row in
                let seat = SeatRecord(row: row)
                // A hidden section's seats are not for sale to the public: shown as sold.
                let state: SeatMap.State = hidden.contains(seat.sectionID) ? .sold : [.available, .held, .sold][row.int(7)]
                return SeatMap.Seat(seat: seat, price: event.prices[seat.sectionID] ?? 0, state: state)
            }
            let sections = try sections()
            let ga = try availability(eventID: eventID, now: now).compactMap { availability -> SeatMap.GA? in
                guard sections.first(where: { $0.id == availability.sectionID })?.kind == .ga else { return nil }
                return SeatMap.GA(
                    sectionID: availability.sectionID, capacity: availability.capacity,
                    available: hidden.contains(availability.sectionID) ? 0 : availability.available,
                    price: event.prices[availability.sectionID] ?? 0)
            }
            return SeatMap(version: event.version, seats: seats, ga: ga)
        }
    }

    public func stats(eventID: String, now: Int) throws -> EventStats {
        try database.read { connection in
            _ = try event(eventID)
            let sold =
                try connection.prepare(
                    """
                    SELECT count(*), coalesce(sum(t.price), 0), count(t.checked_in_at) FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE t.event_id = ? AND b.status = 'confirmed'
                    """
                ).bind(eventID).first { ($0.int(0), $0.int(1), $0.int(2)) } ?? (0, 0, 0)
            let capacity = try sections().reduce(0) { $0 + $1.capacity }
            let available = try availability(eventID: eventID, now: now).reduce(0) { $0 + $1.available }
            return EventStats(
                sold: sold.0, held: max(0, capacity - available - sold.0), available: available,
                revenue: sold.1, checkedIn: sold.2)
        }
    }
}
