import Common
import Documents
import FoundationEssentials
import Runtime
import Storage

/// Turns an outbox message into the email its customer receives: booking confirmed or
/// cancelled, event moved or cancelled, a waitlist match. Times are shown in the venue's
/// time zone; every value placed in HTML is escaped. A confirmation carries the tickets as a
/// PDF and the event as a calendar file; a change or a cancellation carries that calendar
/// entry's update (the same UID, a higher SEQUENCE; METHOD:CANCEL when cancelled).
struct EmailComposer {
    let from: String
    let publicURL: String

    struct Context {
        let venue: VenueRecord
        let event: EventRecord
        let customer: UserRecord
        let booking: BookingRecord?
        let hold: HoldRecord?
        /// The bookings whose documents go with the message: the confirmed or cancelled
        /// booking, or the customer's bookings of a moved or cancelled event.
        var documents: [BookingDetails] = []
    }

    /// The email for `row`, or nil when the message is not one that is emailed.
    func compose(_ row: VenueStore.OutboxRow, context: Context) -> EmailMessage? {
        let event = context.event
        let venue = context.venue
        let when = Self.format(event.startsAt, zone: venue.timezone)
        let place = [venue.name, venue.city].compactMap { $0 }.joined(separator: ", ")
        var attachments: [EmailMessage.Attachment] = []
        var lines: [String] = ["Hello \(context.customer.name),", ""]
        let subject: String
        switch row.kind {
        case .bookingConfirmed:
            guard let booking = context.booking else { return nil }
            subject = "Your tickets for \(event.title)"
            lines += ["Your booking \(booking.id) is confirmed.", "", "\(event.title)", "\(when) at \(place)", "", "Tickets:"]
            lines += booking.tickets.map { "  \($0.code)  \($0.seatID ?? $0.sectionID)  \(Currency.format($0.price, code: booking.currency))" }
            if let voucher = booking.voucher {
                lines += ["", "Voucher \(voucher.code): \(Currency.format(voucher.discount, code: booking.currency)) off"]
            }
            lines += [
                "", "Total: \(Currency.format(booking.total, code: booking.currency))", "Show the codes (or their QR codes) at the door.",
                "\(publicURL)/#/bookings/\(venue.id)/\(booking.id)",
            ]
            for details in context.documents {
                if let pdf = try? TicketPDF.render(details) {
                    attachments.append(EmailMessage.Attachment(fileName: details.pdfFileName, contentType: "application/pdf", bytes: pdf))
                    lines += ["The tickets are attached as a PDF, and the event as a calendar file."]
                }
            }
            attachments += calendarFiles(context, method: .publish)
        case .bookingCancelled:
            guard let booking = context.booking else { return nil }
            subject = "Booking cancelled: \(event.title)"
            lines += [
                "Your booking \(booking.id) for \(event.title) (\(when)) is cancelled.",
                "\(Currency.format(booking.total, code: booking.currency)) will be refunded to your payment method.",
            ]
            attachments += calendarFiles(context, method: .cancel)
        case .eventMoved:
            let old = Int(Self.payloadValue(row.payload, "oldStartsAt") ?? "").map { Self.format($0, zone: venue.timezone) } ?? "its old time"
            subject = "New date for \(event.title)"
            lines += [
                "\(event.title) at \(place) has moved.", "It was: \(old)", "It is now: \(when)",
                "Your tickets stay valid. If the new time does not suit you, you can cancel your booking for a refund.",
            ]
            attachments += calendarFiles(context, method: .request)
        case .eventCancelled:
            subject = "Cancelled: \(event.title)"
            lines += [
                "We are sorry: \(event.title) on \(when) at \(place) is cancelled.",
                "Your bookings for it are cancelled and will be refunded in full.",
            ]
            attachments += calendarFiles(context, method: .cancel)
        case .waitlistMatch:
            guard let hold = context.hold else { return nil }
            subject = "Tickets are free for \(event.title)"
            let what = (hold.seats + hold.ga.map { "\($0.quantity) × \($0.sectionID)" }).joined(separator: ", ")
            lines += [
                "Places you waited for are free: \(what), for \(event.title) on \(when).",
                "We are holding them for you until \(Self.format(hold.expiresAt, zone: venue.timezone)).",
                "\(publicURL)/#/events/\(venue.id)/\(event.id)",
            ]
        default:
            return nil
        }
        lines += ["", "— \(place)"]
        let text = lines.joined(separator: "\n")
        let html =
            "<!doctype html><html><body><h1>" + Self.escape(subject) + "</h1>"
            + lines.map { "<p>" + Self.escape($0) + "</p>" }.joined() + "</body></html>"
        return EmailMessage(
            from: from, to: context.customer.email, subject: subject, text: text, html: html,
            messageID: "outbox-\(venue.id)-\(row.id)@booking", date: Date(), attachments: attachments)
    }

    /// The calendar file of each booking of the message, as `method` sends it.
    private func calendarFiles(_ context: Context, method: CalendarEntry.Method) -> [EmailMessage.Attachment] {
        context.documents.map { details in
            let entry = CalendarEntry(
                details, method: method, publicURL: publicURL, organizer: from,
                attendee: (context.customer.name, context.customer.email), now: Int(Date().timeIntervalSince1970))
            return EmailMessage.Attachment(
                fileName: details.calendarFileName, contentType: "text/calendar; charset=utf-8; method=\(method.rawValue)", bytes: entry.bytes)
        }
    }

    /// "Saturday 5 December 2026, 19:30 GMT" in the venue's zone (as the tickets show it).
    static func format(_ seconds: Int, zone: String) -> String {
        BookingDetails.localTime(seconds, zone: zone)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A value of an outbox payload (a JSON object of strings, written by Storage).
    static func payloadValue(_ payload: String, _ key: String) -> String? {
        (try? JSON.decoder.decode([String: String].self, from: Data(payload.utf8)))?[key]
    }
}
