internal import SQLite

extension VenueStore {
    /// After a successful charge: turns the hold into a confirmed booking with tickets. Throws
    /// `holdExpired` when the hold is gone (the caller then refunds the charge).
    public func confirmPayment(
        _ intent: PaymentIntent, providerReference: String, now: Int, render: (BookingRecord) throws -> StoredResponse
    ) throws -> StoredResponse {
        var made: BookingRecord?
        let stored: StoredResponse? = try write(now: now) { transaction in
            guard let hold = try loadHold(intent.holdID, in: transaction.connection), hold.state == .paying, hold.expiresAt > now else {
                throw BookingError.holdExpired
            }
            let bookingID = Identifier.makeTimeOrdered("b_")
            // The tickets are priced as the hold was: with its voucher, even one deleted since.
            let voucherID = hold.voucherID
            let voucher = try voucherID.flatMap { try loadVoucher(id: $0, now: now, in: transaction.connection) }
            try transaction.prepare(
                """
                INSERT INTO booking (id, event_id, customer_id, status, total, currency, created_at, voucher_id, discount)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                bookingID, hold.eventID, hold.customerID, BookingStatus.confirmed, hold.total, hold.currency, now, voucherID,
                hold.voucher?.discount ?? 0
            ).run()
            let prices = try event(hold.eventID).prices  // read once per batch
            // Tickets in the order `loadBooking` reads them: seats by position (as the hold
            // lists them), then GA places by section and code.
            var tickets: [TicketRecord] = []
            if !hold.seats.isEmpty {
                var sectionOfSeat: [String: String] = [:]
                try transaction.prepare("SELECT c.seat_id, s.section_id FROM seat_claim c JOIN seat s ON s.id = c.seat_id WHERE c.hold_id = ?")
                    .bind(hold.id).forEach { sectionOfSeat[$0.string(0)] = $0.string(1) }
                for seatID in hold.seats {
                    let section = sectionOfSeat[seatID] ?? ""
                    tickets.append(
                        try insertTicket(
                            bookingID: bookingID, eventID: hold.eventID, sectionID: section, seatID: seatID,
                            price: prices[section] ?? 0, voucher: voucher, in: transaction))
                }
                // The claims pass from the hold to the booking.
                try transaction.prepare("UPDATE seat_claim SET hold_id = NULL, booking_id = ? WHERE hold_id = ?").bind(bookingID, hold.id).run()
            }
            for item in hold.ga {
                // GA places stay counted in ga_stock.
                tickets += try (0..<item.quantity).map { _ in
                    try insertTicket(
                        bookingID: bookingID, eventID: hold.eventID, sectionID: item.sectionID, seatID: nil,
                        price: prices[item.sectionID] ?? 0, voucher: voucher, in: transaction)
                }.sorted { $0.code < $1.code }
            }
            try transaction.prepare("DELETE FROM hold WHERE id = ?").bind(hold.id).run()
            try transaction.prepare("UPDATE payment SET state = ?, booking_id = ?, provider_ref = ?, owner = NULL, updated_at = ? WHERE id = ?")
                .bind(PaymentState.captured, bookingID, providerReference, now, intent.paymentID).run()
            transaction.touch(hold.eventID, seats: hold.seats, ga: hold.ga.map(\.sectionID))
            try transaction.appendOutbox(kind: .bookingConfirmed, eventID: hold.eventID, bookingID: bookingID, customerID: hold.customerID)
            let booking = BookingRecord(
                id: bookingID, eventID: hold.eventID, customerID: hold.customerID, status: .confirmed,
                total: hold.total, currency: hold.currency, createdAt: now, cancelledAt: nil, tickets: tickets,
                voucher: hold.voucher)
            // Only a response that must be stored with the key is rendered under the lock.
            guard intent.idempotencyKey != nil else {
                made = booking
                return nil
            }
            let response = try render(booking)
            try transaction.finish(intent, with: response)
            return response
        }
        return try stored ?? render(made!)
    }

    private func insertTicket(
        bookingID: String, eventID: String, sectionID: String, seatID: String?, price fullPrice: Int,
        voucher: VoucherRecord?, in transaction: VenueTransaction
    ) throws -> TicketRecord {
        // A ticket the voucher discounts names it: that is one of its uses.
        let voucherID = voucher.flatMap { $0.applies(to: sectionID) ? $0.id : nil }
        let price = voucher?.price(of: fullPrice, sectionID: sectionID) ?? fullPrice
        // A collision of random codes is astronomically unlikely; a retry costs nothing.
        let attempts = 5
        for _ in 0..<attempts {
            let code = makeTicketCode()
            try transaction.prepare(
                """
                INSERT OR IGNORE INTO ticket (code, booking_id, event_id, section_id, seat_id, price, voucher_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(code, bookingID, eventID, sectionID, seatID, price, voucherID).run()
            if transaction.changes == 1 {
                return TicketRecord(
                    code: code, bookingID: bookingID, eventID: eventID, sectionID: sectionID, seatID: seatID,
                    price: price, checkedInAt: nil)
            }
        }
        throw TicketCodeCollision(attempts: attempts)
    }

    // MARK: Reading bookings

    public func booking(_ id: String) throws -> BookingRecord? {
        try database.read { try loadBooking(id, in: $0) }
    }

    /// A customer's bookings in this venue, newest first.
    public func bookings(customerID: String) throws -> [BookingRecord] {
        try database.read { connection in
            try connection.prepare("SELECT id FROM booking WHERE customer_id = ? ORDER BY created_at DESC, id DESC")
                .bind(customerID).map { $0.string(0) }.compactMap { try loadBooking($0, in: connection) }
        }
    }

    /// Confirmed bookings of an event (the holders to notify or cancel).
    public func bookingIDs(eventID: String, status: BookingStatus = .confirmed) throws -> [String] {
        try connection.prepare("SELECT id FROM booking WHERE event_id = ? AND status = ? ORDER BY created_at").bind(eventID, status).map {
            $0.string(0)
        }
    }

    func loadBooking(_ id: String, in connection: Connection) throws -> BookingRecord? {
        try connection.prepare(
            """
            SELECT b.id, b.event_id, b.customer_id, b.status, b.total, b.currency, b.created_at, b.cancelled_at, v.code, b.discount
            FROM booking b LEFT JOIN voucher v ON v.id = b.voucher_id WHERE b.id = ?
            """
        ).bind(id).first { row in
            let tickets = try connection.prepare(
                """
                SELECT t.code, t.booking_id, t.event_id, t.section_id, t.seat_id, t.price, t.checked_in_at
                FROM ticket t LEFT JOIN seat s ON s.id = t.seat_id
                WHERE t.booking_id = ? ORDER BY t.seat_id IS NULL, s.position, t.section_id, t.code
                """
            ).bind(id).map(TicketRecord.init)
            return try BookingRecord(row: row, tickets: tickets)
        }
    }

    // MARK: Cancelling

    /// Cancels a confirmed booking before its event starts; its seats and places are free at
    /// once. Returns the payment to refund.
    public func cancelBooking(_ id: String, now: Int) throws -> (BookingRecord, paymentID: String?) {
        try write(now: now) { transaction in
            guard let booking = try loadBooking(id, in: transaction.connection) else { throw BookingError.bookingNotFound }
            guard booking.status == .confirmed else { throw BookingError.alreadyCancelled }
            guard try event(booking.eventID).startsAt > now else { throw BookingError.eventStarted }
            let paymentID = try cancel(booking, in: transaction)
            return (try loadBooking(id, in: transaction.connection)!, paymentID)
        }
    }

    private func cancel(_ booking: BookingRecord, notify: Bool = true, in transaction: VenueTransaction) throws -> String? {
        try transaction.prepare("UPDATE booking SET status = ?, cancelled_at = ? WHERE id = ?").bind(
            BookingStatus.cancelled, transaction.now, booking.id
        )
        .run()
        try transaction.prepare("DELETE FROM seat_claim WHERE booking_id = ?").bind(booking.id).run()
        try transaction.prepare(
            """
            UPDATE ga_stock SET taken = taken - (SELECT count(*) FROM ticket t WHERE t.booking_id = ?1 AND t.seat_id IS NULL
                                                 AND t.section_id = ga_stock.section_id)
            WHERE event_id = ?2
            """
        ).bind(booking.id, booking.eventID).run()
        transaction.touch(
            booking.eventID, seats: booking.tickets.compactMap(\.seatID),
            ga: booking.tickets.filter { $0.seatID == nil }.map(\.sectionID))
        if notify {
            try transaction.appendOutbox(kind: .bookingCancelled, eventID: booking.eventID, bookingID: booking.id, customerID: booking.customerID)
        }
        // A free booking (a 100 % voucher) was never charged, so there is nothing to refund.
        return try transaction.prepare("SELECT id FROM payment WHERE booking_id = ? AND state = ? AND amount > 0")
            .bind(booking.id, PaymentState.captured).first { $0.string(0) }
    }

    /// Cancels an event and every confirmed booking of it, and drops its live holds.
    /// Returns the payments to refund.
    public func cancelEvent(_ eventID: String, now: Int) throws -> (EventRecord, refunds: [String]) {
        let refunds: [String] = try write(now: now) { transaction in
            let event = try event(eventID)
            guard event.status == .scheduled else { throw BookingError.eventCancelled }
            try transaction.prepare("UPDATE event SET status = ? WHERE id = ?").bind(EventStatus.cancelled, eventID).run()
            for holdID in try transaction.prepare("SELECT id FROM hold WHERE event_id = ?").bind(eventID).map({ $0.string(0) }) {
                try transaction.deleteHold(holdID, eventID: eventID)
            }
            var refunds: [String] = []
            let holders = try ticketHolders(eventID: eventID, status: .confirmed)
            for id in try bookingIDs(eventID: eventID) {
                // Holders get one "event cancelled" email each, not one per booking.
                if let booking = try loadBooking(id, in: transaction.connection), let payment = try cancel(booking, notify: false, in: transaction) {
                    refunds.append(payment)
                }
            }
            transaction.touch(eventID)
            try transaction.appendOutbox(kind: .eventChanged, eventID: eventID)
            for customerID in holders {
                try transaction.appendOutbox(kind: .eventCancelled, eventID: eventID, customerID: customerID)
            }
            return refunds
        }
        return (try event(eventID), refunds)
    }

    // MARK: Check-in

    /// Admits the ticket `code` of `eventID` once.
    public func checkIn(code: String, eventID: String, now: Int) throws -> TicketRecord {
        try write(now: now) { transaction in
            let found = try transaction.prepare(
                """
                SELECT t.booking_id, b.status, t.checked_in_at FROM ticket t JOIN booking b ON b.id = t.booking_id
                WHERE t.code = ? AND t.event_id = ?
                """
            ).bind(code, eventID).first { ($0.string(0), try $0.value(1, as: BookingStatus.self), $0.optionalInt(2)) }
            guard let (bookingID, status, checkedInAt) = found else { throw BookingError.ticketNotFound }
            guard status == .confirmed else { throw BookingError.ticketCancelled }
            if let checkedInAt { throw BookingError.alreadyCheckedIn(at: checkedInAt) }
            try transaction.prepare("UPDATE ticket SET checked_in_at = ? WHERE code = ?").bind(now, code).run()
            return try loadBooking(bookingID, in: transaction.connection)!.tickets.first { $0.code == code }!
        }
    }

    /// The ticket `code` with its booking's customer, for QR-code access checks.
    public func ticket(code: String) throws -> (TicketRecord, customerID: String)? {
        try database.read { connection in
            guard let bookingID = try connection.prepare("SELECT booking_id FROM ticket WHERE code = ?").bind(code).first({ $0.string(0) }),
                let booking = try loadBooking(bookingID, in: connection),
                let ticket = booking.tickets.first(where: { $0.code == code })
            else { return nil }
            return (ticket, booking.customerID)
        }
    }
}
