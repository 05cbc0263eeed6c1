internal import SQLite

/// What a customer asks to hold.
public struct HoldRequest: Sendable, Equatable {
    public var seats: [String]
    public var ga: [GAQuantity]
    /// Seats for the venue to pick instead of `seats`: resolved under the write lock.
    public var best: BestAvailableRequest?
    /// A voucher code (any case): it re-prices the tickets of its sections and unlocks hidden ones.
    public var voucher: String?
    public init(seats: [String], ga: [GAQuantity], best: BestAvailableRequest? = nil, voucher: String? = nil) {
        self.seats = seats
        self.ga = ga
        self.best = best
        self.voucher = voucher
    }

    public static let maxItems = 100
    public var itemCount: Int { seats.count + ga.reduce(0) { $0 + $1.quantity } }
}

extension VenueStore {
    /// Live holds one customer may have on one event at once.
    public static let maxLiveHoldsPerCustomer = 5

    /// Holds seats and GA places for `customerID`, all or nothing.
    public func createHold(
        eventID: String, customerID: String, request: HoldRequest, ttl: Int, now: Int,
        idempotency: IdempotencyKey?, render: (HoldRecord) throws -> StoredResponse
    ) throws -> StoredResponse {
        var made: HoldRecord?
        let stored: StoredResponse? = try write(now: now) { transaction in
            // A hold's key is answered in the transaction that claims it: it has no payment to resume.
            if case .replay(let stored) = try transaction.claim(idempotency, window: 0) { return stored }
            let hold = try transaction.insertHold(
                eventID: eventID, customerID: customerID, request: request, state: .active,
                expiresAt: now + ttl)
            // Only a response that must be stored with the key is rendered under the lock.
            guard idempotency != nil else {
                made = hold
                return nil
            }
            let response = try render(hold)
            try transaction.finish(idempotency, with: response)
            return response
        }
        return try stored ?? render(made!)
    }

    /// Releases a hold of `customerID` at once; `holdNotFound` for anyone else's.
    public func releaseHold(_ holdID: String, customerID: String, now: Int) throws {
        try write(now: now) { transaction in
            let found = try transaction.prepare("SELECT event_id, state, expires_at FROM hold WHERE id = ? AND customer_id = ?")
                .bind(holdID, customerID).first { ($0.string(0), try $0.value(1, as: HoldState.self), $0.int(2)) }
            guard let (eventID, state, expiresAt) = found else { throw BookingError.holdNotFound }
            // A hold that is paying right now cannot be pulled from under its payment.
            guard state == .active || expiresAt <= now else { throw BookingError.holdBusy }
            try transaction.deleteHold(holdID, eventID: eventID)
        }
    }

    /// A live hold of `customerID`, or nil.
    public func hold(_ holdID: String, customerID: String, now: Int) throws -> HoldRecord? {
        try database.read { connection in
            try loadHold(holdID, in: connection).flatMap { $0.customerID == customerID && $0.expiresAt > now ? $0 : nil }
        }
    }

    func loadHold(_ holdID: String, in connection: Connection) throws -> HoldRecord? {
        try connection.prepare(
            """
            SELECT h.id, h.event_id, h.customer_id, h.state, h.total, h.created_at, h.expires_at, e.currency, v.code, h.discount,
                   h.voucher_id
            FROM hold h JOIN event e ON e.id = h.event_id LEFT JOIN voucher v ON v.id = h.voucher_id WHERE h.id = ?
            """
        ).bind(holdID).first { row in
            let seats = try connection.prepare(
                "SELECT c.seat_id FROM seat_claim c JOIN seat s ON s.id = c.seat_id WHERE c.hold_id = ? ORDER BY s.position"
            )
            .bind(holdID).map { $0.string(0) }
            let ga = try connection.prepare("SELECT section_id, quantity FROM hold_ga WHERE hold_id = ? ORDER BY section_id")
                .bind(holdID).map { GAQuantity(sectionID: $0.string(0), quantity: $0.int(1)) }
            return try HoldRecord(row: row, seats: seats, ga: ga)
        }
    }

    /// The customer's live holds on the event, and the places they hold or own there (for the
    /// per-customer limits), in one statement.
    fileprivate func holdsAndPlaces(eventID: String, customerID: String, in connection: Connection) throws -> (holds: Int, places: Int) {
        try connection.prepare(
            """
            SELECT (SELECT count(*) FROM hold WHERE event_id = ?1 AND customer_id = ?2),
                   (SELECT count(*) FROM seat_claim c JOIN hold h ON h.id = c.hold_id WHERE h.event_id = ?1 AND h.customer_id = ?2)
                 + (SELECT coalesce(sum(g.quantity), 0) FROM hold_ga g JOIN hold h ON h.id = g.hold_id WHERE h.event_id = ?1 AND h.customer_id = ?2)
                 + (SELECT count(*) FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE b.event_id = ?1 AND b.customer_id = ?2 AND b.status = 'confirmed')
            """
        ).bind(eventID, customerID).first { ($0.int(0), $0.int(1)) } ?? (0, 0)
    }

    func checkOnSale(_ event: EventRecord, now: Int) throws {
        guard event.status == .scheduled else { throw BookingError.eventCancelled }
        guard now < event.startsAt else { throw BookingError.notOnSale("the event has started") }
        if let start = event.salesStartAt, now < start { throw BookingError.notOnSale("sales have not started") }
        if let end = event.salesEndAt, now >= end { throw BookingError.notOnSale("sales have ended") }
    }

    fileprivate func validate(_ request: HoldRequest) throws {
        let tooMany = BookingError.invalid("at most \(HoldRequest.maxItems) seats or GA places at once", field: "seats")
        guard request.seats.count <= HoldRequest.maxItems, request.ga.count <= HoldRequest.maxItems else { throw tooMany }
        // Each quantity is bounded before any sum, so no hostile number can overflow one.
        for item in request.ga {
            guard item.quantity >= 1 else { throw BookingError.invalid("a GA quantity is at least 1", field: "ga") }
            guard item.quantity <= HoldRequest.maxItems else { throw tooMany }
        }
        guard request.itemCount >= 1 else { throw BookingError.invalid("ask for at least one seat or GA place", field: "seats") }
        guard request.itemCount <= HoldRequest.maxItems else { throw tooMany }
        guard Set(request.seats).count == request.seats.count else { throw BookingError.invalid("a seat is listed twice", field: "seats") }
        guard Set(request.ga.map(\.sectionID)).count == request.ga.count else {
            throw BookingError.invalid("a GA section is listed twice", field: "ga")
        }
        let gaSections = Set(try sections().filter { $0.kind == .ga }.map(\.id))
        for item in request.ga where !gaSections.contains(item.sectionID) {
            throw BookingError.invalid("\(item.sectionID) is not a GA section", field: "ga")
        }
    }
}

extension VenueTransaction {
    /// Holds seats and GA places for `customerID` in this transaction, all or nothing: checks
    /// the sale, the request and the customer's limits, purges the event's expired holds
    /// first, and touches what it claims.
    func insertHold(eventID: String, customerID: String, request: HoldRequest, state: HoldState, expiresAt: Int) throws -> HoldRecord {
        let event = try store.event(eventID)
        try store.checkOnSale(event, now: now)
        let request = try resolvingBest(request, eventID: eventID)
        try store.validate(request)
        try purgeExpiredHolds(eventID: eventID)

        let (liveHolds, owned) = try store.holdsAndPlaces(eventID: eventID, customerID: customerID, in: connection)
        guard liveHolds < VenueStore.maxLiveHoldsPerCustomer else { throw BookingError.tooManyHolds(limit: VenueStore.maxLiveHoldsPerCustomer) }
        guard owned + request.itemCount <= event.maxPerCustomer else {
            throw BookingError.overCustomerLimit(limit: event.maxPerCustomer, alreadyHas: owned)
        }

        // Seats: report every taken one, then insert; the primary key is what guarantees it.
        var sectionOfSeat: [String: String] = [:]
        for seatID in request.seats {
            guard let section = try prepare("SELECT section_id FROM seat WHERE id = ?").bind(seatID).first({ $0.string(0) }) else {
                throw BookingError.invalid("unknown seat \(seatID)", field: "seats")
            }
            sectionOfSeat[seatID] = section
        }
        var taken: [String] = []
        for seatID in request.seats {
            let claimed = try prepare("SELECT 1 FROM seat_claim WHERE event_id = ? AND seat_id = ?").bind(eventID, seatID).queryInt()
            if claimed != nil { taken.append(seatID) }
        }
        guard taken.isEmpty else { throw BookingError.seatUnavailable(taken) }

        // One section per ticket: what the voucher is checked against and prices.
        let ticketSections = request.seats.map { sectionOfSeat[$0]! } + request.ga.flatMap { Array(repeating: $0.sectionID, count: $0.quantity) }
        let voucher = try self.voucher(request.voucher, for: event, sections: ticketSections, customerID: customerID)
        let fullPrice = ticketSections.reduce(0) { $0 + (event.prices[$1] ?? 0) }
        let total = ticketSections.reduce(0) { sum, section in
            let price = event.prices[section] ?? 0
            return sum + (voucher.map { $0.voucher.price(of: price, sectionID: section) } ?? price)
        }

        let holdID = Identifier.makeTimeOrdered("h_")
        try prepare(
            """
            INSERT INTO hold (id, event_id, customer_id, state, total, created_at, expires_at, voucher_id, voucher_uses, discount)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(holdID, eventID, customerID, state, total, now, expiresAt, voucher?.voucher.id, voucher?.uses ?? 0, fullPrice - total).run()
        // The primary key of seat_claim refuses a second claim; a racing writer cannot get
        // here (writers are serialised), but if one did, it would find no row inserted.
        for seatID in request.seats {
            try prepare("INSERT OR IGNORE INTO seat_claim (event_id, seat_id, hold_id) VALUES (?, ?, ?)").bind(eventID, seatID, holdID).run()
            if changes == 0 { throw BookingError.seatUnavailable([seatID]) }
        }
        // ga_stock's CHECK (taken <= capacity) aborts any overselling update; the WHERE
        // turns the common case into a clean "sold out" instead of an error.
        for item in request.ga {
            try prepare("UPDATE ga_stock SET taken = taken + ?1 WHERE event_id = ?2 AND section_id = ?3 AND taken + ?1 <= capacity")
                .bind(item.quantity, eventID, item.sectionID).run()
            if changes == 0 {
                let left =
                    try prepare("SELECT capacity - taken FROM ga_stock WHERE event_id = ? AND section_id = ?")
                    .bind(eventID, item.sectionID).queryInt() ?? 0
                throw BookingError.soldOut(section: item.sectionID, available: left)
            }
            try prepare("INSERT INTO hold_ga (hold_id, section_id, quantity) VALUES (?, ?, ?)")
                .bind(holdID, item.sectionID, item.quantity).run()
        }
        touch(eventID, seats: request.seats, ga: request.ga.map(\.sectionID))
        return HoldRecord(
            id: holdID, eventID: eventID, customerID: customerID, state: state, seats: request.seats, ga: request.ga,
            total: total, currency: event.currency, createdAt: now, expiresAt: expiresAt,
            voucher: voucher.map { AppliedVoucher(code: $0.voucher.code, discount: fullPrice - total) }, voucherID: voucher?.voucher.id)
    }

}
