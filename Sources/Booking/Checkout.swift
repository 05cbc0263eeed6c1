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

    /// A payment recorded and sent to the provider: its reference, or why it was not taken.
    private struct Charge {
        let attempt: Attempt
        let intent: PaymentIntent
        var reference: String?
        var decline: PaymentDeclined?
        var failure: (any Error)?
    }

    /// The lifecycle of one venue's orders: each step for all of them at once.
    private func book(_ attempts: [Attempt], in store: VenueStore) -> [(index: Int, outcome: Result<StoredResponse, any Error>)] {
        var outcomes: [(index: Int, outcome: Result<StoredResponse, any Error>)] = []
        // 1. Hold the seats (or take the customer's hold) and record the payment.
        let beganAt = now()
        let began = VenueBatch.run(attempts, in: store, now: beganAt) { try begin($0.order, now: beganAt) }
        var charges: [Charge] = []
        for (attempt, start) in zip(attempts, began) {
            switch start {
            case .success(.charge(let intent)): charges.append(Charge(attempt: attempt, intent: intent))
            case .success(.replay(let stored)): outcomes.append((attempt.index, .success(stored)))
            case .failure(let error): outcomes.append((attempt.index, .failure(error)))
            }
        }

        // 2. Charge, outside any transaction.
        for index in charges.indices {
            let charge = charges[index]
            do {
                charges[index].reference = try payments.charge(
                    amount: charge.intent.amount, currency: charge.intent.currency,
                    token: charge.attempt.order.paymentToken, reference: charge.intent.paymentID)
            } catch let decline as PaymentDeclined {
                charges[index].decline = decline
            } catch {
                charges[index].failure = error  // the reconciler settles a payment left `charging`
            }
        }
        charges.removeAll { charge in
            guard let failure = charge.failure else { return false }
            outcomes.append((charge.attempt.index, .failure(failure)))
            return true
        }

        // 3. Confirm the charged payments and settle the declined ones.
        let settledAt = now()
        let settled = VenueBatch.run(charges, in: store, now: settledAt) { try settle($0, now: settledAt) }
        var confirmed = false
        for (charge, result) in zip(charges, settled) {
            let attempt = charge.attempt
            switch result {
            case .success(let answer):
                if !confirmed { bookingsConfirmed(attempt.order.venueID) }  // once per venue
                confirmed = true
                outcomes.append((attempt.index, .success(answer)))
            case .failure(let error) where charge.reference == nil:
                outcomes.append((attempt.index, .failure(error)))  // declined (or its record failed)
            case .failure(let error):
                outcomes.append((attempt.index, .failure(refundUnconfirmed(charge, error: error))))
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

    /// Step 3: confirms a charged payment (the booking's answer), or records a decline and
    /// throws it.
    private func settle(_ charge: Charge, now: Int) throws -> StoredResponse {
        let order = charge.attempt.order
        guard let reference = charge.reference else {
            let decline = CheckoutError.paymentDeclined(reason: charge.decline?.reason ?? "the card was declined")
            try order.store.settleFailedPayment(
                charge.intent, state: .declined, releaseHold: order.isOneCall, window: Self.paymentWindow,
                now: now, idempotency: order.idempotency, response: order.replies.refused(decline))
            throw decline
        }
        return try order.store.confirmPayment(
            charge.intent, providerReference: reference, now: now, idempotency: order.idempotency,
            render: order.replies.booked)
    }

    /// Charged but not confirmed (the hold expired meanwhile, or the write failed): gives the
    /// money back and returns the answer, stored for repeats.
    private func refundUnconfirmed(_ charge: Charge, error: any Error) -> any Error {
        let (order, intent) = (charge.attempt.order, charge.intent)
        refund(paymentID: intent.paymentID, in: order.store, amount: intent.amount, currency: intent.currency, reference: charge.reference)
        var answer = error
        if !(error is BookingError) {
            // The write failed (a full disk, an I/O error): the hold is still there, so is the
            // customer's money now; they may try again.
            log.error("confirmation failed", ["error": String(describing: error), "requestId": order.requestID])
            answer = CheckoutError.notSaved(underlying: String(describing: error))
        }
        try? order.store.settleFailedPayment(
            intent, state: .refunded, releaseHold: order.isOneCall, window: Self.paymentWindow,
            now: now(), idempotency: order.idempotency, response: order.replies.refused(answer))
        return answer
    }
}
