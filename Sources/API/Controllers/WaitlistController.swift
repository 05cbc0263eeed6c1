import Auth
import FastCGIServer
import FoundationEssentials
import Storage

/// The waiting list: customers join for an event (or one section of it) and are emailed,
/// with a priority hold, when matching places free up. Entries end when the event starts.
enum WaitlistController {
    struct JoinBody: Decodable {
        let section: String?
        let quantity: Int
    }

    static func join(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireRole(request, .customer)
        let (_, store) = try context.venue()
        let body = try request.decode(JoinBody.self)
        let entry = try store.joinWaitlist(
            eventID: context.parameter("eventId"), customerID: user.id, sectionID: body.section,
            quantity: body.quantity, now: context.services.now())
        return try .json(["entry": WaitlistEntryView(entry)], status: .created)
    }

    static func leave(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let (_, store) = try context.venue()
        try store.leaveWaitlist(context.parameter("entryId"), customerID: user.id)
        return .empty()
    }
}
