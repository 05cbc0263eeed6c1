import Common
import Runtime
import Storage

/// What a booking's tickets and calendar entry show, read from its venue once: the event,
/// the venue, each ticket's place in words and price in the event's currency.
package struct BookingDetails: Sendable {
    package struct Ticket: Sendable, Equatable {
        package let code: String
        package let sectionName: String
        /// "Row A, seat 7", or "General admission".
        package let place: String
        /// The price as the email and the API's clients show it (`Currency.format`).
        package let price: String
    }

    package let venue: VenueRecord
    package let event: EventRecord
    package let booking: BookingRecord
    package let tickets: [Ticket]
    /// The calendar entry's SEQUENCE: one more for each change of the event's time, and one
    /// more once the booking (or its event) is cancelled.
    package let sequence: Int

    package init(
        venue: VenueRecord, event: EventRecord, booking: BookingRecord, sections: [SectionRecord], seats: [SeatRecord], scheduleRevision: Int
    ) {
        self.venue = venue
        self.event = event
        self.booking = booking
        let sectionNames = Dictionary(sections.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let seatsByID = Dictionary(seats.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        tickets = booking.tickets.map { ticket in
            let place = ticket.seatID.flatMap { seatsByID[$0] }.map { "Row \($0.row), seat \($0.number)" } ?? "General admission"
            return Ticket(
                code: ticket.code, sectionName: sectionNames[ticket.sectionID] ?? ticket.sectionID, place: place,
                price: Currency.format(ticket.price, code: booking.currency))
        }
        sequence = scheduleRevision + (booking.status == .cancelled || event.status == .cancelled ? 1 : 0)
    }

    /// The details of `booking` from its venue's store.
    package static func load(_ booking: BookingRecord, from store: VenueStore) throws -> BookingDetails {
        let seats = booking.tickets.contains { $0.seatID != nil } ? try store.seats() : []
        return BookingDetails(
            venue: try store.venue(), event: try store.event(booking.eventID), booking: booking, sections: try store.sections(), seats: seats,
            scheduleRevision: try store.scheduleRevision(eventID: booking.eventID))
    }

    /// "Wednesday 1 July 2026, 19:00 BST": a time as the venue's clocks show it, in emails and on tickets.
    package static func localTime(_ seconds: Int, zone: String) -> String {
        TimeZoneDatabase.format(seconds, zone: zone, "%A %-d %B %Y, %H:%M %Z")
    }

    /// The event's start in the venue's zone.
    package var startsAt: String { Self.localTime(event.startsAt, zone: venue.timezone) }

    /// "Grand Theatre, Paris".
    package var place: String { [venue.name, venue.city].compactMap { $0 }.joined(separator: ", ") }

    /// The file names a download or an attachment carries.
    package var pdfFileName: String { "tickets-\(Self.fileNamePart(booking.id)).pdf" }
    package var calendarFileName: String { "event-\(Self.fileNamePart(booking.id)).ics" }

    /// `id` with only the ASCII letters, digits, `-` and `_` that are safe in a file name.
    package static func fileNamePart(_ id: String) -> String {
        String(
            id.unicodeScalars.filter { $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }.map(
                Character.init))
    }
}
