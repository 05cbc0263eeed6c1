import Auth
import FastCGIServer
import Storage

/// Ticket QR codes (the ticket's customer, the venue's owner, admin) and check-in at the door
/// (the venue's owner, admin).
enum TicketsController {
    static func qrCode(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let (_, store) = try context.venue()
        guard let code = TicketCode.normalize(context.parameter("code")), let (ticket, customerID) = try store.ticket(code: code),
            try BookingsController.mayManage(user: user, customerID: customerID, store: store)
        else {
            throw APIError.notFound("ticket")
        }
        return Response(
            status: .ok, headers: [("Content-Type", "image/svg+xml"), ("Cache-Control", "private, max-age=86400")],
            body: Array(try QRCodeSVG.render(ticket.code).utf8))
    }

    struct CheckInBody: Decodable { let code: String }

    static func checkIn(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let body = try request.decode(CheckInBody.self)
        guard body.code.utf8.count <= 64, let code = TicketCode.normalize(body.code) else { throw APIError.notFound("ticket") }
        let ticket = try store.checkIn(code: code, eventID: context.parameter("eventId"), now: context.services.now())
        return try .json(["ticket": TicketView(ticket)])
    }
}
