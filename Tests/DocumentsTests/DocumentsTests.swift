import Testing

@testable import Documents
@testable import Storage

/// A booking of two seats and a GA place at a venue in Paris, on 2026-07-01 at 20:30 local time.
private func details(
    title: String = "Swan Lake", currency: String = "EUR", bookingStatus: BookingStatus = .confirmed, eventStatus: EventStatus = .scheduled,
    revision: Int = 0, endsAt: Int? = 1_782_930_600 + 7200
) -> BookingDetails {
    let venue = VenueRecord(id: "opera", name: "Opéra, Garnier", city: "Paris", timezone: "Europe/Paris", ownerID: "u_owner", createdAt: 0)
    let event = EventRecord(
        id: "e_1", title: title, description: "", startsAt: 1_782_930_600, endsAt: endsAt, currency: currency, salesStartAt: nil,
        salesEndAt: nil, maxPerCustomer: 10, status: eventStatus, version: 3, createdAt: 0, prices: ["stalls": 4500, "floor": 2000])
    let tickets = [
        TicketRecord(
            code: "AAAA-BBBB-CCCC-1", bookingID: "b_1", eventID: "e_1", sectionID: "stalls", seatID: "stalls-A-7", price: 4500, checkedInAt: nil),
        TicketRecord(
            code: "DDDD-EEEE-FFFF-2", bookingID: "b_1", eventID: "e_1", sectionID: "stalls", seatID: "stalls-A-8", price: 4500, checkedInAt: nil),
        TicketRecord(code: "GGGG-HHHH-JJJJ-3", bookingID: "b_1", eventID: "e_1", sectionID: "floor", seatID: nil, price: 2000, checkedInAt: nil),
    ]
    let booking = BookingRecord(
        id: "b_1", eventID: "e_1", customerID: "u_1", status: bookingStatus, total: 11000, currency: currency, createdAt: 0, cancelledAt: nil,
        tickets: tickets)
    let sections = [
        SectionRecord(id: "stalls", name: "Stalls", kind: .seated, capacity: 10), SectionRecord(id: "floor", name: "Floor", kind: .ga, capacity: 5),
    ]
    let seats = [7, 8].map { SeatRecord(id: "stalls-A-\($0)", sectionID: "stalls", row: "A", number: $0, x: 0, y: 0, attributes: []) }
    return BookingDetails(venue: venue, event: event, booking: booking, sections: sections, seats: seats, scheduleRevision: revision)
}

private func entry(_ details: BookingDetails, _ method: CalendarEntry.Method = .publish) -> CalendarEntry {
    CalendarEntry(
        details, method: method, publicURL: "https://tickets.example.org:8443", organizer: "bookings@example.org",
        attendee: ("Ann, B", "ann@example.org"), now: 1_780_000_000)
}

/// The file's content lines, unfolded (RFC 5545 3.1).
private func unfolded(_ text: String) -> [String] {
    text.replacing("\r\n ", with: "").split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
}

@Suite("A booking's details for its documents")
struct BookingDetailsTests {
    @Test func eachTicketSaysWhereItIsAndWhatItCost() {
        let tickets = details().tickets
        #expect(tickets.map(\.place) == ["Row A, seat 7", "Row A, seat 8", "General admission"])
        #expect(tickets.map(\.sectionName) == ["Stalls", "Stalls", "Floor"])
        #expect(tickets.map(\.price) == ["45.00 EUR", "45.00 EUR", "20.00 EUR"])
    }

    @Test func pricesUseTheCurrencysMinorUnit() {
        #expect(details(currency: "JPY").tickets[0].price == "4500 JPY")
        #expect(details(currency: "KWD").tickets[0].price == "4.500 KWD")
    }

    @Test func theStartIsShownInTheVenuesZone() {
        #expect(details().startsAt == "Wednesday 1 July 2026, 20:30 CEST")
    }

    @Test func theSequenceGrowsWithEachMoveAndOnceMoreOnCancellation() {
        #expect(details().sequence == 0)
        #expect(details(revision: 2).sequence == 2)
        #expect(details(bookingStatus: .cancelled, revision: 2).sequence == 3)
        #expect(details(bookingStatus: .cancelled, eventStatus: .cancelled, revision: 2).sequence == 3)
    }
}

@Suite("Tickets as PDF")
struct TicketPDFTests {
    @Test func isAPDFWithOnePagePerTicket() throws {
        let pdf = try TicketPDF.render(details())
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let text = String(decoding: pdf, as: UTF8.self)
        let pages = text.ranges(of: "/Type /Page").count - text.ranges(of: "/Type /Pages").count
        #expect(pages == 3)
        #expect(text.contains("/Count 3"))
        #expect(text.hasSuffix("%%EOF\n"))
    }

    @Test func aLongTitleAndAnUnbreakableWordStillRender() throws {
        let pdf = try TicketPDF.render(
            details(title: String(repeating: "Extraordinarily long title ", count: 12) + String(repeating: "W", count: 120)))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
    }
}

@Suite("The calendar file (RFC 5545)")
struct CalendarEntryTests {
    @Test func linesEndInCRLFAndAreFoldedAt75Octets() {
        let text = entry(details(title: String(repeating: "Très long titre ", count: 20))).text
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacing("\r\n", with: "").contains("\n"))
        for line in text.split(separator: "\r\n") {
            #expect(line.utf8.count <= 75, "\(line)")
        }
        let summary = unfolded(text).first { $0.hasPrefix("SUMMARY:") }
        #expect(summary == "SUMMARY:" + String(repeating: "Très long titre ", count: 20))
    }

    @Test func foldingNeverSplitsACharacter() {
        let folded = CalendarEntry.fold("SUMMARY:" + String(repeating: "é", count: 100))
        for line in folded.split(separator: "\r\n") {
            #expect(line.utf8.count <= 75)
            #expect(String(validating: Array(line.utf8), as: UTF8.self) != nil)
        }
        #expect(folded.replacing("\r\n ", with: "") == "SUMMARY:" + String(repeating: "é", count: 100))
    }

    @Test func textValuesEscapeCommasSemicolonsBackslashesAndNewlines() {
        #expect(CalendarEntry.escape("a,b;c\\d\ne\r\n") == "a\\,b\\;c\\\\d\\ne\\n")
        let lines = unfolded(entry(details(title: "Rock; Roll, \\o/")).text)
        #expect(lines.contains("SUMMARY:Rock\\; Roll\\, \\\\o/"))
        #expect(lines.contains("LOCATION:Opéra\\, Garnier\\, Paris"))
        #expect(lines.contains("ORGANIZER;CN=\"Opéra, Garnier\":mailto:bookings@example.org"))
    }

    @Test func theEntryIsInTheVenuesZoneWithItsVTimezone() {
        let lines = unfolded(entry(details()).text)
        #expect(lines.contains("DTSTART;TZID=Europe/Paris:20260701T203000"))
        #expect(lines.contains("DTEND;TZID=Europe/Paris:20260701T223000"))
        #expect(lines.contains("DTSTAMP:20260528T202640Z"))
        #expect(lines.contains("TZID:Europe/Paris"))
        // A year back from July 2026: CET since the end of October 2025, CEST from 29 March 2026.
        let zone = Array(lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix { $0 != "END:VTIMEZONE" })
        #expect(zone.contains("DTSTART:20251026T030000"))
        #expect(zone.contains("DTSTART:20260329T020000"))
        #expect(zone.contains("TZOFFSETFROM:+0100"))
        #expect(zone.contains("TZOFFSETTO:+0200"))
        #expect(zone.contains("BEGIN:DAYLIGHT"))
        #expect(zone.contains("TZNAME:CEST"))
    }

    @Test func anEventWithoutAnEndHasNoDTEND() {
        #expect(!entry(details(endsAt: nil)).text.contains("DTEND"))
    }

    @Test func oneUIDForTheBookingWhateverTheMethod() {
        let uids = [CalendarEntry.Method.publish, .request, .cancel].map { method in
            unfolded(entry(details(), method).text).first { $0.hasPrefix("UID:") }
        }
        #expect(uids == Array(repeating: "UID:b_1.opera@tickets.example.org", count: 3))
    }

    @Test func aConfirmationPublishesAChangeRequestsAndACancellationCancels() {
        let published = unfolded(entry(details()).text)
        #expect(published.contains("METHOD:PUBLISH"))
        #expect(published.contains("SEQUENCE:0"))
        #expect(published.contains("STATUS:CONFIRMED"))
        #expect(!published.contains { $0.hasPrefix("ATTENDEE") })

        let moved = unfolded(entry(details(revision: 1), .request).text)
        #expect(moved.contains("METHOD:REQUEST"))
        #expect(moved.contains("SEQUENCE:1"))
        #expect(moved.contains("ATTENDEE;CN=\"Ann, B\";RSVP=FALSE:mailto:ann@example.org"))

        let cancelled = unfolded(entry(details(bookingStatus: .cancelled, revision: 1), .cancel).text)
        #expect(cancelled.contains("METHOD:CANCEL"))
        #expect(cancelled.contains("SEQUENCE:2"))
        #expect(cancelled.contains("STATUS:CANCELLED"))
    }

    @Test func offsetsAndHosts() {
        #expect(CalendarEntry.offset(3600) == "+0100")
        #expect(CalendarEntry.offset(-12600) == "-0330")
        #expect(CalendarEntry.offset(20700) == "+0545")
        #expect(CalendarEntry.offset(-1) == "-000001")
        #expect(CalendarEntry.host(of: "http://localhost:8080") == "localhost")
        #expect(CalendarEntry.host(of: "https://Tickets.Example.org/path") == "tickets.example.org")
        #expect(CalendarEntry.host(of: "") == "localhost")
    }
}
