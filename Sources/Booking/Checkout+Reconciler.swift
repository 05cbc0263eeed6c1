import Storage

extension Checkout {
    /// Finishes the requests that stopped between recording their payment and settling it and
    /// that nobody retried for `age` seconds (their process is gone): each payment is asked of
    /// the provider by its id and ends as the request would have ended: a booking when the
    /// charge went through and the hold still stands, a refund when it does not, a decline, or
    /// nothing at all (no money moved; the key is forgotten). Answers are stored with the
    /// requests' keys, written by `replies` for each venue. Returns how many it finished.
    package func finishAbandonedRequests(in venues: VenueDirectory, olderThan age: Int, replies: (VenueID) -> Replies) throws -> Int {
        var finished = 0
        for id in try venues.allIDs() {
            guard let store = try venues.store(id) else { continue }
            let cutoff = now() - age
            for intent in try store.abandonedPayments(olderThan: cutoff) where try store.takeOver(intent, olderThan: cutoff, now: now()) {
                finish(intent, in: store, venueID: id, replies: replies(id))
                finished += 1
            }
        }
        return finished
    }

    private func finish(_ intent: PaymentIntent, in store: VenueStore, venueID: VenueID, replies: Replies) {
        let ended: String
        do {
            ended = try conclusion(intent, in: store, venueID: venueID, replies: replies)
        } catch {
            // Released: the next round (or a retry) takes it over again.
            try? store.releasePayment(intent.paymentID, now: now())
            log.error("cannot finish an abandoned request", ["venue": venueID.value, "payment": intent.paymentID, "error": "\(error)"])
            return
        }
        log.info("finished an abandoned request", ["venue": venueID.value, "payment": intent.paymentID, "ended": ended])
    }

    /// Ends one abandoned payment; says how.
    private func conclusion(_ intent: PaymentIntent, in store: VenueStore, venueID: VenueID, replies: Replies) throws -> String {
        // A free payment never reaches the provider: it is confirmed as it would have been.
        guard let outcome = intent.amount == 0 ? Self.free : try payments.outcome(of: intent.paymentID) else {
            try store.settleFailedPayment(intent, state: .abandoned, window: Self.paymentWindow, now: now(), response: nil)
            return "never reached the provider"
        }
        do {
            _ = try conclude(intent, outcome, in: store, replies: replies, now: now())
            bookingsConfirmed(venueID)
            return "booked"
        } catch let error as CheckoutError {
            return "\(error)"  // declined, or refunded earlier
        } catch {
            guard case .charged = outcome else { throw error }
            return "refunded: \(refundUnconfirmed(intent, error: error, in: store, replies: replies, requestID: "reconciler"))"
        }
    }
}
