import Auth
import Booking
import FastCGIServer
import Storage

/// Holds: customers claim seats and GA places for a while, all or nothing.
enum HoldsController {
    struct Body: Decodable {
        let seats: [String]?
        let ga: [GAView]?
        let best: BestBody?
        let voucher: String?

        /// The request; `best` stands alone (422 beside `seats` or `ga`).
        func holdRequest() throws -> HoldRequest {
            let ga = (ga ?? []).map { GAQuantity(sectionID: $0.section, quantity: $0.quantity) }
            guard let best else { return HoldRequest(seats: seats ?? [], ga: ga, voucher: voucher) }
            guard seats == nil, ga.isEmpty else { throw APIError.unprocessable("send either best or seats and ga", field: "best") }
            guard let quantity = best.quantity else { throw APIError.unprocessable("best.quantity is a whole number", field: "best.quantity") }
            return HoldRequest(seats: [], ga: [], best: BestAvailableRequest(quantity: quantity, sectionID: best.section), voucher: voucher)
        }
    }

    /// `{quantity, section?}`. A quantity that is not a whole number is a broken rule of this
    /// object (422), like one out of range, not a malformed body.
    struct BestBody: Decodable {
        let quantity: Int?
        let section: String?
        enum CodingKeys: String, CodingKey { case quantity, section }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            quantity = try? container.decode(Int.self, forKey: .quantity)
            section = try container.decodeIfPresent(String.self, forKey: .section)
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
            store: store, eventID: eventID, customerID: user.id, request: try body.holdRequest(),
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
