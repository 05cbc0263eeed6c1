import Auth
import Storage

/// Holds: customers claim seats and GA places for a while, all or nothing.
enum HoldsController {
    struct Body: Decodable {
        let seats: [String]?
        let ga: [GAView]?

        var holdRequest: HoldRequest {
            HoldRequest(seats: seats ?? [], ga: (ga ?? []).map { GAQuantity(sectionID: $0.section, quantity: $0.quantity) })
        }
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        try createAll([(request, context)])[0].get()
    }

    /// Holds for several requests taken together (a worker takes every hold waiting at once),
    /// in one transaction per venue; each request gets its own answer.
    static func createAll(_ items: [(Request, RequestContext)]) -> [Result<Response, any Error>] {
        guard let services = items.first?.1.services else { return [] }
        var (attempts, outcomes) = VenueBatch.check(items, check)
        let (ttl, now) = (services.configuration.holdTTL, services.now())
        let held = VenueBatch.run(attempts, store: \.store, now: now) { attempt in
            try attempt.store.createHold(eventID: attempt.eventID, customerID: attempt.customerID, request: attempt.body.holdRequest,
                                         ttl: ttl, now: now, idempotency: attempt.idempotency) { hold in
                StoredResponse(Response.json(bytes: HandWrittenJSON.hold(HoldView(hold)), status: .created))
            }.response
        }
        for (attempt, result) in zip(attempts, held) { outcomes[attempt.index] = result }
        return outcomes.map { $0! }
    }

    /// A hold request that passed its checks.
    struct Attempt {
        /// Its place in the batch.
        let index: Int
        let store: VenueStore
        let eventID: String
        let customerID: String
        let body: Body
        let idempotency: IdempotencyKey?
    }

    /// Who may hold, where, and with what body: everything checked before any write.
    static func check(_ request: Request, _ context: inout RequestContext, index: Int) throws -> Attempt {
        let user = try context.requireRole(request, .customer)
        let (_, store) = try context.services.venueStore(context.parameter("venueId"))
        let body = try request.decode(Body.self)
        return Attempt(index: index, store: store, eventID: context.parameter("eventId"), customerID: user.id, body: body,
                       idempotency: try request.idempotencyKey(customerID: user.id))
    }

    static func delete(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let (_, store) = try context.services.venueStore(context.parameter("venueId"))
        try store.releaseHold(context.parameter("holdId"), customerID: user.id, now: context.services.now())
        return .empty()
    }
}
