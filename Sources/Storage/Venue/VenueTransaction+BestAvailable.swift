internal import SQLite

extension VenueTransaction {
    /// `request` with its `best` turned into the seats `SeatBlockPicker` picks right now, under
    /// this transaction's write lock (the claim that follows cannot lose the block to a racing
    /// writer), its voucher kept. A request without `best` is returned as it is.
    func resolvingBest(_ request: HoldRequest, eventID: String) throws -> HoldRequest {
        guard let best = request.best else { return request }
        guard request.seats.isEmpty, request.ga.isEmpty else {
            throw BookingError.invalid("best cannot be combined with seats or ga", field: "best")
        }
        guard (1...HoldRequest.maxItems).contains(best.quantity) else {
            throw BookingError.invalid("best.quantity is 1 to \(HoldRequest.maxItems)", field: "best.quantity")
        }
        let seated = try store.sections().filter { $0.kind == .seated }
        if let sectionID = best.sectionID, !seated.contains(where: { $0.id == sectionID }) {
            throw BookingError.invalid("\(sectionID) is not a seated section: best available picks seats", field: "best.section")
        }
        guard !seated.isEmpty else { throw BookingError.invalid("this venue has no seated section", field: "best") }
        // Claimed by a booking or a live hold; an expired hold's seats are free, as in the seat map.
        let taken = Set(
            try prepare(
                """
                SELECT c.seat_id FROM seat_claim c LEFT JOIN hold h ON h.id = c.hold_id
                WHERE c.event_id = ? AND (c.booking_id IS NOT NULL OR h.expires_at > ?)
                """
            ).bind(eventID, now).map { $0.string(0) })
        let seats = try store.seats().filter { best.sectionID == nil || $0.sectionID == best.sectionID }
        guard let block = SeatBlockPicker.pick(quantity: best.quantity, from: seats, isFree: { !taken.contains($0.id) }) else {
            throw BookingError.noAdjacentSeats(quantity: best.quantity, section: best.sectionID)
        }
        var resolved = request
        resolved.seats = block.map(\.id)
        resolved.best = nil
        return resolved
    }
}
