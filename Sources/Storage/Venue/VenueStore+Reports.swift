internal import SQLite

/// One section's figures in an event's report. Money is in minor units of the event's currency.
public struct SectionReport: Sendable, Equatable {
    public let sectionID: String
    /// Seats of a seated section, the places of a general-admission one.
    public let capacity: Int
    /// Tickets of confirmed bookings.
    public let sold: Int
    /// Places in live (unexpired) holds.
    public let held: Int
    /// Tickets of confirmed bookings that were checked in.
    public let checkedIn: Int
    /// What the sold tickets were paid: net of refunds, since a cancelled booking's tickets
    /// are no longer sold.
    public let revenue: Int

    /// What is neither sold nor held.
    public var free: Int { max(0, capacity - sold - held) }
}

/// The tickets and revenue of the bookings made in one hour.
public struct HourlySales: Sendable, Equatable {
    /// The hour's start, in seconds since 1970 (UTC).
    public let hour: Int
    public let tickets: Int
    public let revenue: Int
}

/// An event's sales as its organizer reads them: per section, by hour, refunds, check-ins.
public struct EventReport: Sendable, Equatable {
    public let currency: String
    /// In layout order.
    public let sections: [SectionReport]
    /// Hours with at least one ticket still sold, oldest first: they add up to `sections`' sold
    /// tickets and revenue.
    public let salesByHour: [HourlySales]
    /// Money refunded for the event's cancelled bookings.
    public let refunded: Int

    public var checkedIn: Int { sections.reduce(0) { $0 + $1.checkedIn } }
}

/// One ticket of a confirmed booking, as the attendee list shows it. The venue knows only the
/// customer's id: names and addresses are in the auth database.
public struct AttendeeRecord: Sendable, Equatable {
    public let code: String
    public let customerID: String
    public let sectionID: String
    public let seatID: String?
    public let price: Int
    public let bookedAt: Int
    public let checkedInAt: Int?
}

extension VenueStore {
    /// The report of `eventID` as of `now` (holds expired by then are not held), in one read
    /// snapshot of three aggregate statements, whatever the number of tickets.
    public func report(eventID: String, now: Int) throws -> EventReport {
        try database.read { connection in
            let event = try event(eventID)
            let sections = try connection.prepare(
                """
                WITH sold AS (
                    SELECT t.section_id, count(*) AS tickets, sum(t.price) AS revenue, count(t.checked_in_at) AS checked_in
                    FROM booking b JOIN ticket t ON t.booking_id = b.id
                    WHERE b.event_id = ?1 AND b.status = ?3
                    GROUP BY t.section_id
                ),
                -- From the live holds (few) to their claims, never through the event's sold seats.
                held AS (
                    SELECT st.section_id, count(*) AS places
                    FROM hold h JOIN seat_claim c ON c.hold_id = h.id JOIN seat st ON st.id = c.seat_id
                    WHERE h.event_id = ?1 AND h.expires_at > ?2
                    GROUP BY st.section_id
                    UNION ALL
                    SELECT hg.section_id, sum(hg.quantity)
                    FROM hold h JOIN hold_ga hg ON hg.hold_id = h.id
                    WHERE h.event_id = ?1 AND h.expires_at > ?2
                    GROUP BY hg.section_id
                )
                SELECT s.id, coalesce(g.capacity, s.capacity), coalesce(sold.tickets, 0),
                       coalesce((SELECT sum(places) FROM held WHERE held.section_id = s.id), 0),
                       coalesce(sold.checked_in, 0), coalesce(sold.revenue, 0)
                FROM section s
                LEFT JOIN ga_stock g ON g.event_id = ?1 AND g.section_id = s.id
                LEFT JOIN sold ON sold.section_id = s.id
                ORDER BY s.position
                """
            ).bind(eventID, now, BookingStatus.confirmed).map { row in
                SectionReport(
                    sectionID: row.string(0), capacity: row.int(1), sold: row.int(2), held: row.int(3), checkedIn: row.int(4),
                    revenue: row.int(5))
            }
            let hours = try connection.prepare(
                """
                SELECT b.created_at / 3600 * 3600 AS hour, count(*), sum(t.price)
                FROM booking b JOIN ticket t ON t.booking_id = b.id
                WHERE b.event_id = ? AND b.status = ?
                GROUP BY hour ORDER BY hour
                """
            ).bind(eventID, BookingStatus.confirmed).map { HourlySales(hour: $0.int(0), tickets: $0.int(1), revenue: $0.int(2)) }
            // From the (few) refunded payments to their bookings, by the payments' state index.
            let refunded =
                try connection.prepare(
                    """
                    SELECT coalesce(sum(p.amount), 0) FROM payment p JOIN booking b ON b.id = p.booking_id
                    WHERE p.state = ? AND b.event_id = ?
                    """
                ).bind(PaymentState.refunded, eventID).queryInt() ?? 0
            return EventReport(currency: event.currency, sections: sections, salesByHour: hours, refunded: refunded)
        }
    }

    /// Every ticket of `eventID`'s confirmed bookings, in the order they were booked (then by
    /// seat), in one statement.
    public func attendees(eventID: String) throws -> [AttendeeRecord] {
        try database.read { connection in
            _ = try event(eventID)
            return try connection.prepare(
                """
                SELECT t.code, b.customer_id, t.section_id, t.seat_id, t.price, b.created_at, t.checked_in_at
                FROM booking b JOIN ticket t ON t.booking_id = b.id
                LEFT JOIN seat st ON st.id = t.seat_id
                WHERE b.event_id = ? AND b.status = ?
                ORDER BY b.created_at, b.id, st.position, t.code
                """
            ).bind(eventID, BookingStatus.confirmed).map { row in
                AttendeeRecord(
                    code: row.string(0), customerID: row.string(1), sectionID: row.string(2), seatID: row.optionalString(3),
                    price: row.int(4), bookedAt: row.int(5), checkedInAt: row.optionalInt(6))
            }
        }
    }
}
