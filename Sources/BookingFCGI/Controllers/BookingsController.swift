import Auth
import Foundation
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
        let services = context.services
        let idempotency = try request.idempotencyKey(customerID: user.id)
        let oneCall = body.holdId == nil
        let start: PaymentStart
        if let holdID = body.holdId {
            start = try store.beginPayment(holdID: holdID, customerID: user.id, window: paymentWindow, now: services.now(),
                                           idempotency: idempotency)
        } else {
            guard let eventID = body.eventId else {
                throw APIError.unprocessable("send a holdId, or an eventId with seats or ga", field: "holdId")
            }
            let hold = HoldsController.Body(seats: body.seats, ga: body.ga).holdRequest
            start = try store.holdForPayment(eventID: eventID, customerID: user.id, request: hold, ttl: services.configuration.holdTTL,
                                             window: paymentWindow, now: services.now(), idempotency: idempotency)
        }
        guard case .charge(let intent) = start else {
            if case .replay(let stored) = start { return stored.response }
            preconditionFailure("unreachable")
        }

        let reference: String
        do {
            reference = try services.payments.charge(amount: intent.amount, currency: intent.currency, token: body.payment.token,
                                                     reference: intent.paymentID)
        } catch let decline as PaymentDeclined {
            let error = ErrorMapping.map(BookingError.paymentDeclined(decline.reason))
            try store.settleFailedPayment(intent, state: "declined", releaseHold: oneCall, window: paymentWindow, now: services.now(),
                                          idempotency: idempotency, response: StoredResponse(error.response))
            throw error
        }

        do {
            let stored = try store.confirmPayment(intent, providerReference: reference, now: services.now(), idempotency: idempotency) { booking in
                StoredResponse(try Response.json(["booking": BookingView(booking, venueID: id.value)], status: .created))
            }
            services.bookingWritten(in: id)
            return stored.response
        } catch {
            // Charged but not confirmed (the hold expired meanwhile, or the write failed): give the money back.
            refund(paymentID: intent.paymentID, store: store, services: services, amount: intent.amount, currency: intent.currency,
                   reference: reference)
            let answer = ErrorMapping.apiError(for: error is BookingError ? error : BookingError.holdExpired, log: services.log,
                                               requestID: request.requestID)
            try? store.settleFailedPayment(intent, state: "refunded", releaseHold: oneCall, window: paymentWindow, now: services.now(),
                                           idempotency: idempotency, response: StoredResponse(answer.response))
            throw answer
        }
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
        return user.id == customerID || user.role == Role.admin.rawValue || (user.role == Role.organizer.rawValue && ownerID == user.id)
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
