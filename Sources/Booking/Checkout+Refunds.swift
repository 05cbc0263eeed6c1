import Storage

extension Checkout {
    /// Cancels a confirmed booking before its event starts (its seats are free at once) and
    /// refunds its payment.
    package func cancel(bookingID: String, in store: VenueStore) throws -> BookingRecord {
        let (cancelled, paymentID) = try store.cancelBooking(bookingID, now: now())
        if let paymentID { refund(paymentID: paymentID, in: store) }
        return cancelled
    }

    /// Cancels an event and every booking of it, refunding each.
    package func cancelEvent(_ eventID: String, in store: VenueStore) throws -> EventRecord {
        let (event, refunds) = try store.cancelEvent(eventID, now: now())
        for paymentID in refunds { refund(paymentID: paymentID, in: store) }
        return event
    }

    /// Refunds a payment and records it; a failure is logged for the reconciler, never hidden.
    func refund(paymentID: String, in store: VenueStore, amount: Int = 0, currency: String = "") {
        do {
            try payments.refund(paymentID: paymentID, amount: amount, currency: currency)
            try store.markRefunded(paymentID: paymentID, now: now())
        } catch {
            log.error("refund failed", ["payment": paymentID, "error": "\(error)"])
        }
    }
}
