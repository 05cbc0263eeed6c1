import Documents
import FastCGIServer
import Storage

/// A booking's tickets as a PDF and its event as a calendar file, for whoever may read the
/// booking (its customer, the venue's owner, admin; 404 for anyone else, as `GET` of the
/// booking answers).
enum DocumentsController {
    static func ticketsPDF(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let details = try visibleDetails(request, &context)
        return Response(
            status: .ok,
            headers: [
                ("Content-Type", "application/pdf"), ("Content-Disposition", "attachment; filename=\"\(details.pdfFileName)\""),
                ("Cache-Control", "private, no-cache"),
            ],
            body: try TicketPDF.render(details))
    }

    static func calendar(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let details = try visibleDetails(request, &context)
        let configuration = context.services.configuration
        let entry = CalendarEntry(
            details, method: .publish, publicURL: configuration.publicURL, organizer: configuration.mailFrom, now: context.services.now())
        return Response(
            status: .ok,
            headers: [
                ("Content-Type", "text/calendar; charset=utf-8"), ("Content-Disposition", "attachment; filename=\"\(details.calendarFileName)\""),
                ("Cache-Control", "private, no-cache"),
            ],
            body: entry.bytes)
    }

    private static func visibleDetails(_ request: Request, _ context: inout RequestContext) throws -> BookingDetails {
        let (_, store, booking) = try BookingsController.visibleBooking(request, &context)
        return try BookingDetails.load(booking, from: store)
    }
}
