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
        let user = try context.requireRole(request, .customer)
        let (id, store) = try context.services.venueStore(context.parameter("venueId"))
        let body = try request.decode(Body.self)
        let services = context.services
        let stored = try store.createHold(eventID: context.parameter("eventId"), customerID: user.id, request: body.holdRequest,
                                          ttl: services.configuration.holdTTL, now: services.now(),
                                          idempotency: try request.idempotencyKey(customerID: user.id)) { hold in
            StoredResponse(try Response.json(["hold": HoldView(hold)], status: .created))
        }
        _ = id
        return stored.response
    }

    static func delete(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let (_, store) = try context.services.venueStore(context.parameter("venueId"))
        try store.releaseHold(context.parameter("holdId"), customerID: user.id, now: context.services.now())
        return .empty()
    }
}
