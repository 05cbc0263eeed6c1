import Common
import Storage

/// The purchase lifecycle (DESIGN.md, "Payment"): hold -> paying -> charge -> confirm or
/// decline -> refund. One short transaction marks the hold `paying` and records the payment
/// and the idempotency key; the charge runs outside any transaction; a second transaction
/// confirms the booking or records the decline; a charge that cannot be confirmed is refunded.
///
/// It knows nothing of HTTP: callers check who may buy what and hand over orders; the answers
/// come back as the `StoredResponse`s that repeats of the same request get, rendered by each
/// order's `Replies`.
package final class Checkout {
    package let payments: any PaymentProvider
    /// Seconds a hold lasts.
    package let holdTTL: Int
    package let log: Logger
    /// The clock, in Unix seconds.
    package let now: () -> Int
    /// Told of each venue where a batch confirmed bookings (the catalog catches up with it first).
    package let bookingsConfirmed: (VenueID) -> Void

    /// Seconds a hold is extended while its payment runs.
    package static let paymentWindow = 120

    /// The outcome of a payment of 0: confirmed without calling the provider.
    static let free = PaymentOutcome.charged(reference: "free")

    package init(
        payments: any PaymentProvider, holdTTL: Int, log: Logger, now: @escaping () -> Int,
        bookingsConfirmed: @escaping (VenueID) -> Void = { _ in }
    ) {
        self.payments = payments
        self.holdTTL = holdTTL
        self.log = log
        self.now = now
        self.bookingsConfirmed = bookingsConfirmed
    }

    /// A purchase that passed the caller's checks (who may book, where, with what body).
    package struct Order {
        package enum Items {
            /// Pay for a hold made earlier; a decline gives the hold back for another try.
            case hold(id: String)
            /// Hold, pay and confirm in one call; a decline frees the seats again.
            case seats(eventID: String, HoldRequest)
        }

        package let venueID: VenueID
        package let store: VenueStore
        package let customerID: String
        package let items: Items
        package let paymentToken: String?
        package let idempotency: IdempotencyKey?
        /// How this order's answers are written for its idempotency record.
        package let replies: Replies
        /// The request's id, for the log.
        package let requestID: String

        package init(
            venueID: VenueID, store: VenueStore, customerID: String, items: Items, paymentToken: String?,
            idempotency: IdempotencyKey?, replies: Replies, requestID: String
        ) {
            self.venueID = venueID
            self.store = store
            self.customerID = customerID
            self.items = items
            self.paymentToken = paymentToken
            self.idempotency = idempotency
            self.replies = replies
            self.requestID = requestID
        }

        var isOneCall: Bool {
            if case .seats = items { return true }
            return false
        }
    }

    /// Renders the answers stored with an idempotency key, so that a repeat gets the same bytes.
    package struct Replies {
        package let booked: (BookingRecord) -> StoredResponse
        package let refused: (any Error) -> StoredResponse

        package init(booked: @escaping (BookingRecord) -> StoredResponse, refused: @escaping (any Error) -> StoredResponse) {
            self.booked = booked
            self.refused = refused
        }
    }

    /// Books orders taken together (a worker takes every booking waiting at once): the orders
    /// of each venue go through the lifecycle together, each step in one transaction, and each
    /// gets the answer it would have had alone: the booking (or the replay of an earlier
    /// answer), or the error that refused it (a decline is `CheckoutError.paymentDeclined`).
    package func book(_ orders: [Order]) -> [Result<StoredResponse, any Error>] {
        var outcomes = [Result<StoredResponse, any Error>?](repeating: nil, count: orders.count)
        let attempts = orders.enumerated().map { Attempt(index: $0.offset, order: $0.element) }
        for (store, venue) in VenueBatch.byStore(attempts, store: \.order.store) {
            let booked: [(index: Int, outcome: Result<StoredResponse, any Error>)]
            do {
                // An instant (in-process) provider's charge takes no time and reaches nothing
                // outside this process, so the lock is held from the first transaction to
                // the second: no other commit comes between them, and one flush covers both.
                // A provider that takes time is called with the lock released, as DESIGN.md
                // describes; the charge is outside the transactions either way.
                booked = payments.isInstant ? try store.exclusively { book(venue, in: store) } : book(venue, in: store)
            } catch {
                booked = venue.map { ($0.index, .failure(error)) }  // the lock could not be taken
            }
            for (index, outcome) in booked { outcomes[index] = outcome }
        }
        return outcomes.map { $0! }
    }

    /// An order and its place in the batch.
    private struct Attempt {
        let index: Int
        let order: Order
    }

    /// A payment recorded and sent to the provider, with what the provider answered.
    private struct Charge {
        let attempt: Attempt
        let intent: PaymentIntent
        let outcome: PaymentOutcome
    }

    /// The lifecycle of one venue's orders: each step for all of them at once.
    private func book(_ attempts: [Attempt], in store: VenueStore) -> [(index: Int, outcome: Result<StoredResponse, any Error>)] {
        var outcomes: [(index: Int, outcome: Result<StoredResponse, any Error>)] = []
        // 1. Hold the seats (or take the customer's hold) and record the payment; or take over
        // the payment of an earlier request with the same key whose process is gone.
        let beganAt = now()
        let began = VenueBatch.run(attempts, in: store, now: beganAt) { try begin($0.order, now: beganAt) }
        var toCharge: [(attempt: Attempt, intent: PaymentIntent)] = []
        for (attempt, start) in zip(attempts, began) {
            switch start {
            case .success(.charge(let intent)): toCharge.append((attempt, intent))
            case .success(.replay(let stored)): outcomes.append((attempt.index, .success(stored)))
            case .failure(let error): outcomes.append((attempt.index, .failure(error)))
            }
        }

        // 2. Charge, outside any transaction. A payment taken over is charged again with its
        // id: the provider answers what it did the first time, or charges it now. A free order
        // (a 100 % voucher) is confirmed without the provider: there is nothing to charge.
        var charges: [Charge] = []
        for (attempt, intent) in toCharge where intent.amount == 0 {
            charges.append(Charge(attempt: attempt, intent: intent, outcome: Self.free))
        }
        toCharge.removeAll { $0.intent.amount == 0 }
        let requests = toCharge.map { attempt, intent in
            PaymentRequest(paymentID: intent.paymentID, amount: intent.amount, currency: intent.currency, token: attempt.order.paymentToken)
        }
        for ((attempt, intent), answer) in zip(toCharge, requests.isEmpty ? [] : payments.charge(requests)) {
            switch answer {
            case .success(let outcome): charges.append(Charge(attempt: attempt, intent: intent, outcome: outcome))
            case .failure(let error):
                // Nothing is known of the charge: let go of it, so a retry asks again at once.
                try? store.releasePayment(intent.paymentID, now: now())
                outcomes.append((attempt.index, .failure(error)))
            }
        }

        // 3. Confirm the charged payments and settle the others.
        let settledAt = now()
        let settled = VenueBatch.run(charges, in: store, now: settledAt) { charge in
            try conclude(charge.intent, charge.outcome, in: store, replies: charge.attempt.order.replies, now: settledAt)
        }
        var confirmed = false
        for (charge, result) in zip(charges, settled) {
            let attempt = charge.attempt
            switch (result, charge.outcome) {
            case (.success(let answer), _):
                if !confirmed { bookingsConfirmed(attempt.order.venueID) }  // once per venue
                confirmed = true
                outcomes.append((attempt.index, .success(answer)))
            case (.failure(let error), .charged):
                let answer = refundUnconfirmed(
                    charge.intent, error: error, in: store, replies: attempt.order.replies, requestID: attempt.order.requestID)
                outcomes.append((attempt.index, .failure(answer)))
            case (.failure(let error), _):
                outcomes.append((attempt.index, .failure(error)))  // declined or refunded (or its record failed)
            }
        }
        return outcomes
    }

    /// Step 1: marks the hold `paying` (or holds the seats so, in one call) and records the payment.
    private func begin(_ order: Order, now: Int) throws -> PaymentStart {
        switch order.items {
        case .hold(let holdID):
            return try order.store.beginPayment(
                holdID: holdID, customerID: order.customerID, window: Self.paymentWindow, now: now,
                idempotency: order.idempotency)
        case .seats(let eventID, let request):
            return try order.store.holdForPayment(
                eventID: eventID, customerID: order.customerID, request: request, ttl: holdTTL,
                window: Self.paymentWindow, now: now, idempotency: order.idempotency)
        }
    }

    /// Step 3: confirms a charged payment (the booking's answer), or records a decline or an
    /// earlier refund and throws it. The key's answer is stored with the payment's end.
    func conclude(_ intent: PaymentIntent, _ outcome: PaymentOutcome, in store: VenueStore, replies: Replies, now: Int) throws -> StoredResponse {
        switch outcome {
        case .charged(let reference):
            return try store.confirmPayment(intent, providerReference: reference, now: now, render: replies.booked)
        case .declined(let reason):
            let decline = CheckoutError.paymentDeclined(reason: reason)
            try store.settleFailedPayment(intent, state: .declined, window: Self.paymentWindow, now: now, response: replies.refused(decline))
            throw decline
        case .refunded:
            // Refunded by a process that died before recording it: the money is back, nothing
            // was booked, so the key is forgotten and the customer may simply try again.
            try store.settleFailedPayment(intent, state: .refunded, window: Self.paymentWindow, now: now, response: nil)
            throw CheckoutError.notSaved(underlying: "the payment was refunded before its booking was confirmed")
        }
    }

    /// Charged but not confirmed (the hold expired meanwhile, or the write failed): gives the
    /// money back and returns the answer. An expired hold's answer is stored for repeats; a
    /// failed write's is not (nothing was kept, so a retry with the key runs afresh).
    func refundUnconfirmed(
        _ intent: PaymentIntent, error: any Error, in store: VenueStore, replies: Replies, requestID: String
    ) -> any Error {
        refund(paymentID: intent.paymentID, in: store, amount: intent.amount, currency: intent.currency)
        var answer = error
        if !(error is BookingError) {
            // The write failed (a full disk, an I/O error): the hold is still there, so is the
            // customer's money now; they may try again.
            log.error("confirmation failed", ["error": String(describing: error), "requestId": requestID])
            answer = CheckoutError.notSaved(underlying: String(describing: error))
        }
        try? store.settleFailedPayment(
            intent, state: .refunded, window: Self.paymentWindow, now: now(),
            response: answer is BookingError ? replies.refused(answer) : nil)
        return answer
    }
}
