import Auth
import Booking
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// Bookings: pay for a hold (or hold, pay and confirm in one call), read, list, cancel. The
/// payment lifecycle itself is the checkout's (`Booking/Checkout.swift`); this translates
/// requests into its orders and its answers into responses.
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
        let voucher: String?
        let payment: PaymentBody
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        try createAll([(request, context)])[0].get()
    }

    /// Books several requests taken together (a worker takes every booking waiting at once):
    /// the checkout runs the requests of each venue through the payment lifecycle together,
    /// and each request gets the answer it would have had alone.
    static func createAll(_ items: [(Request, RequestContext)]) -> [Result<Response, any Error>] {
        RequestBatch.answer(items, check: check) { services, orders in services.checkout.book(orders) }
    }

    /// Who may book, where, and with what body: everything checked before any write.
    static func check(_ request: Request, _ context: inout RequestContext) throws -> Checkout.Order {
        let user = try context.requireRole(request, .customer)
        let (id, store) = try context.venue()
        let body = try request.decode(CreateBody.self)
        guard body.payment.method == "test" else {
            throw APIError.unprocessable("the only payment method is \"test\"", code: "invalid_payment_method", field: "payment.method")
        }
        if let token = body.payment.token, token.utf8.count > 255 {
            throw APIError.unprocessable("payment.token is at most 255 characters", field: "payment.token")
        }
        // Paying a hold and holding in the same call are two requests: a body that mixes them
        // is a client's mistake, not something to guess at.
        if body.holdId != nil, body.eventId != nil || body.seats != nil || body.ga != nil || body.voucher != nil {
            throw APIError.unprocessable(
                "give holdId to pay a hold, or eventId with seats or ga to book in one call, not both",
                field: "holdId")
        }
        let idempotency = try request.idempotencyKey(customerID: user.id)
        let items: Checkout.Order.Items
        if let holdID = body.holdId {
            items = .hold(id: holdID)
        } else if let eventID = body.eventId {
            try context.services.waitingRoom().requirePass(
                request.header("queue-pass"), store: store, eventID: eventID, account: user.id, now: context.services.now())
            items = .seats(eventID: eventID, try HoldsController.Body(seats: body.seats, ga: body.ga, best: nil, voucher: body.voucher).holdRequest())
        } else {
            throw APIError.unprocessable("send a holdId, or an eventId with seats or ga", field: "holdId")
        }
        let replies = BookingReplies.replies(venueID: id, requestID: request.requestID, log: context.services.log)
        return Checkout.Order(
            venueID: id, store: store, customerID: user.id, items: items, paymentToken: body.payment.token,
            idempotency: idempotency, replies: replies, requestID: request.requestID)
    }

    static func get(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store, booking) = try visibleBooking(request, &context)
        _ = store
        return try .json(["booking": BookingView(booking, venueID: id.value)])
    }

    static func cancel(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store, booking) = try visibleBooking(request, &context)
        let cancelled = try context.services.checkout.cancel(bookingID: booking.id, in: store)
        return try .json(["booking": BookingView(cancelled, venueID: id.value)])
    }

    /// The caller's bookings across all venues, newest first.
    static func list(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let page = try Page(request)
        let before = try page.timeAndID()
        let services = context.services
        services.catchUpCatalogWithRecentBookings()  // read your writes
        let entries = try services.catalog.bookings(customerID: user.id, before: before, limit: page.limit + 1)
        var bookings: [BookingView] = []
        for entry in entries.prefix(page.limit) {
            guard let venueID = VenueID(entry.venueID), let store = try services.venues.store(venueID),
                let booking = try store.booking(entry.bookingID)
            else { continue }
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
        let (id, store) = try context.venue()
        guard let booking = try store.booking(context.parameter("bookingId")),
            try mayManage(user: user, customerID: booking.customerID, store: store)
        else { throw APIError.notFound("booking") }
        return (id, store, booking)
    }

    static func mayManage(user: UserRecord, customerID: String, store: VenueStore) throws -> Bool {
        let ownerID = try store.venue().ownerID
        return user.id == customerID || user.role == .admin || (user.role == .organizer && ownerID == user.id)
    }
}
