import Auth
import FoundationEssentials
import Storage

/// Bookings: pay for a hold (or hold, pay and confirm in one call), read, list, cancel.
///
/// The payment lifecycle (DESIGN.md): one short transaction marks the hold `paying` and
/// records the payment and the idempotency key; the charge runs outside any transaction;
/// a second transaction confirms. A decline leaves no booking; a charge whose confirmation
/// fails is refunded.
enum BookingsController {
    struct PaymentBody: Decodable {
        let method: String
        let token: String?
    }

    struct CreateBody: Decodable {
        let holdId: String?
        let eventId: String?
        let seats: [String]?
        let ga: [GAView]?
        let payment: PaymentBody
    }

    /// Seconds a hold is extended while its payment runs.
    static let paymentWindow = 120

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        try createAll([(request, context)])[0].get()
    }

    /// Books several requests taken together (a worker takes every booking waiting at once):
    /// the requests of each venue go through the payment lifecycle together, each step in
    /// one transaction, and each request gets the answer it would have had alone.
    static func createAll(_ items: [(Request, RequestContext)]) -> [Result<Response, any Error>] {
        guard let services = items.first?.1.services else { return [] }
        let checked = VenueBatch.check(items, check)
        var outcomes = checked.outcomes
        for (store, venue) in VenueBatch.byStore(checked.passed, store: \.store) {
            let booked: [(index: Int, outcome: Result<Response, any Error>)]
            do {
                // An instant (in-process) provider's charge takes no time and reaches nothing
                // outside this process, so the lock is held from the first transaction to
                // the second: no other commit comes between them, and one flush covers both.
                // A provider that takes time is called with the lock released, as DESIGN.md
                // describes; the charge is outside the transactions either way.
                booked = services.payments.isInstant ? try store.exclusively { book(venue, in: store, services: services) }
                    : book(venue, in: store, services: services)
            } catch {
                booked = venue.map { ($0.index, .failure(error)) }  // the lock could not be taken
            }
            for (index, outcome) in booked { outcomes[index] = outcome }
        }
        return outcomes.map { $0! }
    }

    /// The payment lifecycle of one venue's requests: each step for all of them at once.
    private static func book(_ attempts: [Attempt], in store: VenueStore, services: Services) -> [(index: Int, outcome: Result<Response, any Error>)] {
        var outcomes: [(index: Int, outcome: Result<Response, any Error>)] = []
        // 1. Hold the seats (or take the customer's hold) and record the payment.
        let (holdTTL, beganAt) = (services.configuration.holdTTL, services.now())
        let began = VenueBatch.run(attempts, in: store, now: beganAt) { try begin($0, now: beganAt, holdTTL: holdTTL) }
        var charges: [Charge] = []
        for (attempt, start) in zip(attempts, began) {
            switch start {
            case .success(.charge(let intent)): charges.append(Charge(attempt: attempt, intent: intent))
            case .success(.replay(let stored)): outcomes.append((attempt.index, .success(stored.response)))
            case .failure(let error): outcomes.append((attempt.index, .failure(error)))
            }
        }

        // 2. Charge, outside any transaction.
        for index in charges.indices {
            let charge = charges[index]
            do {
                charges[index].reference = try services.payments.charge(amount: charge.intent.amount, currency: charge.intent.currency,
                                                                        token: charge.attempt.body.payment.token, reference: charge.intent.paymentID)
            } catch let decline as PaymentDeclined {
                charges[index].decline = ErrorMapping.map(BookingError.paymentDeclined(decline.reason))
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
        let settledAt = services.now()
        let settled = VenueBatch.run(charges, in: store, now: settledAt) { try settle($0, now: settledAt) }
        var booked = false
        for (charge, result) in zip(charges, settled) {
            let attempt = charge.attempt
            switch result {
            case .success(let response):
                if !booked { services.bookingWritten(in: attempt.venueID) }  // once per venue
                booked = true
                outcomes.append((attempt.index, .success(response)))
            case .failure(let error) where charge.reference == nil:
                outcomes.append((attempt.index, .failure(error)))  // declined (or its record failed)
            case .failure(let error):
                outcomes.append((attempt.index, .failure(refundUnconfirmed(charge, error: error, services: services))))
            }
        }
        return outcomes
    }

    /// A booking request that passed its checks, on its way through the payment lifecycle.
    struct Attempt {
        /// Its place in the batch.
        let index: Int
        let request: Request
        let venueID: VenueID
        let store: VenueStore
        let customerID: String
        let body: CreateBody
        let idempotency: IdempotencyKey?
        /// Held and paid in this one call (a decline then frees the seats).
        var oneCall: Bool { body.holdId == nil }
    }

    /// A payment recorded and sent to the provider: its reference, or why it was not taken.
    struct Charge {
        let attempt: Attempt
        let intent: PaymentIntent
        var reference: String?
        var decline: APIError?
        var failure: (any Error)?
    }

    /// Who may book, where, and with what body: everything checked before any write.
    static func check(_ request: Request, _ context: inout RequestContext, index: Int) throws -> Attempt {
        let user = try context.requireRole(request, .customer)
        let (id, store) = try context.services.venueStore(context.parameter("venueId"))
        let body = try request.decode(CreateBody.self)
        guard body.payment.method == "test" else {
            throw APIError.unprocessable("the only payment method is \"test\"", code: "invalid_payment_method", field: "payment.method")
        }
        if let token = body.payment.token, token.utf8.count > 255 {
            throw APIError.unprocessable("payment.token is at most 255 characters", field: "payment.token")
        }
        // Paying a hold and holding in the same call are two requests: a body that mixes them
        // is a client's mistake, not something to guess at.
        if body.holdId != nil, body.eventId != nil || body.seats != nil || body.ga != nil {
            throw APIError.unprocessable("give holdId to pay a hold, or eventId with seats or ga to book in one call, not both",
                                         field: "holdId")
        }
        let idempotency = try request.idempotencyKey(customerID: user.id)
        guard body.holdId != nil || body.eventId != nil else {
            throw APIError.unprocessable("send a holdId, or an eventId with seats or ga", field: "holdId")
        }
        return Attempt(index: index, request: request, venueID: id, store: store, customerID: user.id, body: body, idempotency: idempotency)
    }

    /// Step 1: marks the hold `paying` (or holds the seats so, in one call) and records the payment.
    static func begin(_ attempt: Attempt, now: Int, holdTTL: Int) throws -> PaymentStart {
        let body = attempt.body
        if let holdID = body.holdId {
            return try attempt.store.beginPayment(holdID: holdID, customerID: attempt.customerID, window: paymentWindow, now: now,
                                                  idempotency: attempt.idempotency)
        }
        let hold = HoldsController.Body(seats: body.seats, ga: body.ga).holdRequest
        return try attempt.store.holdForPayment(eventID: body.eventId ?? "", customerID: attempt.customerID, request: hold, ttl: holdTTL,
                                                window: paymentWindow, now: now, idempotency: attempt.idempotency)
    }

    /// Step 3: confirms a charged payment (the booking's answer), or records a decline and
    /// throws it.
    static func settle(_ charge: Charge, now: Int) throws -> Response {
        let attempt = charge.attempt
        guard let reference = charge.reference else {
            let decline = charge.decline ?? ErrorMapping.map(BookingError.paymentDeclined("the card was declined"))
            try attempt.store.settleFailedPayment(charge.intent, state: .declined, releaseHold: attempt.oneCall, window: paymentWindow,
                                                  now: now, idempotency: attempt.idempotency, response: StoredResponse(decline.response))
            throw decline
        }
        return try attempt.store.confirmPayment(charge.intent, providerReference: reference, now: now, idempotency: attempt.idempotency) { booking in
            StoredResponse(Response.json(bytes: HandWrittenJSON.booking(BookingView(booking, venueID: attempt.venueID.value)), status: .created))
        }.response
    }

    /// Charged but not confirmed (the hold expired meanwhile, or the write failed): gives the
    /// money back and returns the answer, stored for repeats.
    static func refundUnconfirmed(_ charge: Charge, error: any Error, services: Services) -> APIError {
        let (attempt, intent) = (charge.attempt, charge.intent)
        refund(paymentID: intent.paymentID, store: attempt.store, services: services, amount: intent.amount, currency: intent.currency,
               reference: charge.reference)
        var answer: APIError
        if error is BookingError {
            answer = ErrorMapping.apiError(for: error, log: services.log, requestID: attempt.request.requestID)
        } else {
            // The write failed (a full disk, an I/O error): the hold is still there, so is the
            // customer's money now; they may try again.
            services.log.error("confirmation failed", ["error": String(describing: error), "requestId": attempt.request.requestID])
            answer = APIError(.serviceUnavailable, "unavailable", "the booking could not be saved and the payment was refunded; try again")
            answer.headers = [("Retry-After", "1")]
        }
        try? attempt.store.settleFailedPayment(intent, state: .refunded, releaseHold: attempt.oneCall, window: paymentWindow,
                                               now: services.now(), idempotency: attempt.idempotency, response: StoredResponse(answer.response))
        return answer
    }

    static func get(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store, booking) = try visibleBooking(request, &context)
        _ = store
        return try .json(["booking": BookingView(booking, venueID: id.value)])
    }

    static func cancel(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store, booking) = try visibleBooking(request, &context)
        let (cancelled, paymentID) = try store.cancelBooking(booking.id, now: context.services.now())
        if let paymentID { refund(paymentID: paymentID, store: store, services: context.services) }
        return try .json(["booking": BookingView(cancelled, venueID: id.value)])
    }

    /// The caller's bookings across all venues, newest first.
    static func list(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let page = try Page(request)
        var before: (Int, String)? = nil
        if let cursor = page.cursor {
            guard cursor.count == 2, let createdAt = Int(cursor[0]) else { throw APIError.badRequest("cursor is not one this API returned", code: "invalid_parameter") }
            before = (createdAt, cursor[1])
        }
        let services = context.services
        services.catchUpCatalogWithRecentBookings()  // read your writes
        let entries = try services.catalog.bookings(customerID: user.id, before: before, limit: page.limit + 1)
        var bookings: [BookingView] = []
        for entry in entries.prefix(page.limit) {
            guard let venueID = VenueID(entry.venueID), let store = try services.venues.store(venueID),
                  let booking = try store.booking(entry.bookingID) else { continue }
            bookings.append(BookingView(booking, venueID: venueID.value))
        }
        let last = entries.count > page.limit ? entries[page.limit - 1] : nil
        return try .json(PageBody(name: "bookings", items: bookings, nextCursor: last.map { Page.cursor(["\($0.createdAt)", $0.bookingID]) }))
    }

    // MARK: Helpers

    /// The booking of the path if the caller is its customer, the venue's owner or an admin;
    /// 404 for anyone else (its existence is not revealed).
    static func visibleBooking(_ request: Request, _ context: inout RequestContext) throws -> (VenueID, VenueStore, BookingRecord) {
        let user = try context.requireUser(request)
        let (id, store) = try context.services.venueStore(context.parameter("venueId"))
        guard let booking = try store.booking(context.parameter("bookingId")),
              try mayManage(user: user, customerID: booking.customerID, store: store) else { throw APIError.notFound("booking") }
        return (id, store, booking)
    }

    static func mayManage(user: UserRecord, customerID: String, store: VenueStore) throws -> Bool {
        let ownerID = try store.venue().ownerID
        return user.id == customerID || user.role == .admin || (user.role == .organizer && ownerID == user.id)
    }

    /// Refunds a payment and records it; a failure is logged for the reconciler, never hidden.
    static func refund(paymentID: String, store: VenueStore, services: Services, amount: Int = 0, currency: String = "",
                       reference: String? = nil) {
        do {
            try services.payments.refund(providerReference: reference, paymentID: paymentID, amount: amount, currency: currency)
            try store.markRefunded(paymentID: paymentID, now: services.now())
        } catch {
            services.log.error("refund failed", ["payment": paymentID, "error": "\(error)"])
        }
    }
}
