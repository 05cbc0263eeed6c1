import Auth
import Booking
import FastCGIServer
import Storage

/// Holds: customers claim seats and GA places for a while, all or nothing.
enum HoldsController {
    struct Body: Decodable {
        let seats: [String]?
        let ga: [GAView]?
        let voucher: String?

        var holdRequest: HoldRequest {
            HoldRequest(
                seats: seats ?? [], ga: (ga ?? []).map { GAQuantity(sectionID: $0.section, quantity: $0.quantity) }, voucher: voucher)
        }
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        try createAll([(request, context)])[0].get()
    }

    /// Holds for several requests taken together (a worker takes every hold waiting at once),
    /// in one transaction per venue; each request gets its own answer.
    static func createAll(_ items: [(Request, RequestContext)]) -> [Result<Response, any Error>] {
        RequestBatch.answer(items, check: check) { services, orders in services.checkout.hold(orders) }
    }

    /// Who may hold, where, and with what body: everything checked before any write.
    static func check(_ request: Request, _ context: inout RequestContext) throws -> Checkout.HoldOrder {
        let user = try context.requireRole(request, .customer)
        let (_, store) = try context.venue()
        let body = try request.decode(Body.self)
        let eventID = context.parameter("eventId")
        try context.services.waitingRoom().requirePass(
            request.header("queue-pass"), store: store, eventID: eventID, account: user.id, now: context.services.now())
        return Checkout.HoldOrder(
            store: store, eventID: eventID, customerID: user.id, request: body.holdRequest,
            idempotency: try request.idempotencyKey(customerID: user.id)
        ) { hold in
            StoredResponse(Response.json(bytes: HandWrittenJSON.hold(HoldView(hold)), status: .created))
        }
    }

    static func delete(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let (_, store) = try context.venue()
        try context.services.checkout.release(holdID: context.parameter("holdId"), customerID: user.id, in: store)
        return .empty()
    }
}
