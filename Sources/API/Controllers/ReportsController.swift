import Documents
import FastCGIServer
import Storage

/// An event's sales report and its attendee list, for the venue's owner and admins.
enum ReportsController {
    static func report(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let report = try store.report(eventID: context.parameter("eventId"), now: context.services.now())
        return try .json(ReportView(report))
    }

    static func attendees(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let eventID = context.parameter("eventId")
        let attendees = try store.attendees(eventID: eventID)
        let contacts = try context.services.auth.contacts(of: Set(attendees.map(\.customerID)))
        let list = AttendeeList(eventID: eventID, attendees: attendees, contacts: contacts)
        return Response(
            status: .ok,
            headers: [
                ("Content-Type", "text/csv; charset=utf-8; header=present"),
                ("Content-Disposition", "attachment; filename=\"\(list.fileName)\""), ("Cache-Control", "private, no-cache"),
            ],
            body: list.bytes)
    }
}
