internal import SQLite

extension Database {
    /// Violations of the domain rules: a seat sold twice, GA beyond capacity, tickets that do
    /// not match their bookings. Empty when all hold.
    func checkBookingInvariants() throws -> [String] {
        var problems: [String] = []
        let checks: [(String, String)] = [
            (
                "seat sold twice",
                """
                SELECT t.event_id || ' ' || t.seat_id FROM ticket t JOIN booking b ON b.id = t.booking_id
                WHERE b.status = 'confirmed' AND t.seat_id IS NOT NULL GROUP BY t.event_id, t.seat_id HAVING count(*) > 1
                """
            ),
            (
                "GA oversold",
                """
                SELECT g.event_id || ' ' || g.section_id FROM ga_stock g
                WHERE g.taken > g.capacity OR (SELECT count(*) FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE b.status = 'confirmed' AND t.event_id = g.event_id AND t.section_id = g.section_id AND t.seat_id IS NULL) > g.capacity
                """
            ),
            (
                "GA counter differs from tickets and holds",
                """
                SELECT g.event_id || ' ' || g.section_id FROM ga_stock g
                WHERE g.taken <> (SELECT count(*) FROM ticket t JOIN booking b ON b.id = t.booking_id
                                  WHERE b.status = 'confirmed' AND t.event_id = g.event_id AND t.section_id = g.section_id AND t.seat_id IS NULL)
                               + coalesce((SELECT sum(hg.quantity) FROM hold_ga hg JOIN hold h ON h.id = hg.hold_id
                                           WHERE h.event_id = g.event_id AND hg.section_id = g.section_id), 0)
                """
            ),
            (
                "sold seat without a claim",
                """
                SELECT t.code FROM ticket t JOIN booking b ON b.id = t.booking_id
                WHERE b.status = 'confirmed' AND t.seat_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM seat_claim c WHERE c.event_id = t.event_id AND c.seat_id = t.seat_id AND c.booking_id = b.id)
                """
            ),
            (
                "booking total differs from its tickets",
                """
                SELECT b.id FROM booking b WHERE b.total <> (SELECT coalesce(sum(price), 0) FROM ticket WHERE booking_id = b.id)
                """
            ),
            (
                "confirmed booking without tickets",
                """
                SELECT b.id FROM booking b WHERE b.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM ticket WHERE booking_id = b.id)
                """
            ),
        ]
        for (name, sql) in checks {
            for culprit in try connection.prepare(sql).map({ $0.string(0) }) { problems.append("\(name): \(culprit)") }
        }
        return problems
    }
}
