import Foundation
import Testing

/// Tickets at the door and on the phone (API.md, "Waitlist and check-in" and the QR code
/// route), and the seat map's caching (its `ETag`). From Tests/Integration/test_booking.py.
@Suite final class TicketsSpec: OnSaleSpec {
    func ticketCodes(_ booking: [String: Any]) throws -> [String] {
        try #require((booking["tickets"] as? [[String: Any]])?.compactMap { $0["code"] as? String })
    }

    func checkIn(_ code: String, at show: Show) -> TestResponse {
        t.request("POST", show.path + "/checkins", json: ["code": code], as: organizer)
    }

    @Test func aTicketChecksInOnceAndATypedCodeMayBeLowerCaseWithADash() throws {
        let code = try ticketCodes(try t.book(alice, show, seats: ["stalls-A-3"]))[0]
        let typed = code.lowercased().prefix(4) + "-" + code.lowercased().dropFirst(4)
        let first = checkIn(String(typed), at: show)
        #expect(first.status == 200 && first["ticket", "code"] as? String == code, "\(first)")
        let again = checkIn(code, at: show)
        #expect(again.status == 409 && again.errorCode == "already_checked_in", "\(again)")
        #expect(try t.stats(show, owner: organizer)["checkedIn"] == 1)
    }

    @Test func aTicketOfACancelledBookingDoesNotCheckIn() throws {
        let booking = try t.book(alice, show, seats: ["stalls-A-3"], ga: 1)
        let codes = try ticketCodes(booking)
        #expect(checkIn(codes[0], at: show).status == 200)
        #expect(t.request("POST", show.booking(try #require(booking["id"] as? String)) + "/cancel", as: alice).status == 200)
        let cancelled = checkIn(codes[1], at: show)
        #expect(cancelled.status == 409 && cancelled.errorCode == "ticket_cancelled", "\(cancelled)")
    }

    @Test func anUnknownCodeOrACodeOfAnotherEventIs404() throws {
        let other = Show(venue: show.venue, event: try t.event(owner: organizer, venue: show.venue))
        let code = try ticketCodes(try t.book(alice, other, ga: 1))[0]
        for (code, show) in [("0000000000000Z", show), (code, show), (String(repeating: "A", count: 65), show)] {
            let response = checkIn(code, at: show)
            #expect(response.status == 404 && response.errorCode == "not_found", "\(code): \(response)")
        }
        #expect(checkIn(code, at: other).status == 200)
    }

    @Test func aTicketsQRCodeIsAnSVGForItsCustomer() throws {
        let code = try ticketCodes(try t.book(alice, show, ga: 1))[0]
        let qr = t.request("GET", "/api/venues/\(show.venue)/tickets/\(code)/qr.svg", as: alice)
        #expect(qr.status == 200 && qr.header("Content-Type") == "image/svg+xml" && qr.text.hasPrefix("<svg"), "\(qr)")
    }

    @Test func aBookingsTicketsAreAPDFAndItsEventACalendarFileForItsCustomer() throws {
        let booking = try t.book(alice, show, seats: ["stalls-A-4"], ga: 1)
        let path = show.booking(try #require(booking["id"] as? String))
        let pdf = t.request("GET", path + "/tickets.pdf", as: alice)
        #expect(pdf.status == 200 && pdf.header("Content-Type") == "application/pdf" && pdf.body.starts(with: Array("%PDF-".utf8)), "\(pdf)")
        #expect(pdf.header("Content-Disposition")?.hasPrefix("attachment; filename=\"tickets-") == true)
        let ics = t.request("GET", path + "/event.ics", as: alice)
        #expect(ics.status == 200 && ics.header("Content-Type") == "text/calendar; charset=utf-8", "\(ics)")
        #expect(ics.text.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.text.contains("\r\nMETHOD:PUBLISH\r\n") && ics.text.contains("\r\nSEQUENCE:0\r\n"))
        #expect(t.request("GET", path + "/tickets.pdf", as: bob).status == 404)
        #expect(t.request("GET", path + "/event.ics").status == 401)
    }

    @Test func aMovedEventsCalendarFileHasAHigherSequenceAndACancelledOneSaysSo() throws {
        let booking = try t.book(alice, show, seats: ["stalls-A-5"])
        let path = show.booking(try #require(booking["id"] as? String))
        #expect(t.request("PATCH", show.path, json: ["startsAt": "2031-02-01T19:00:00Z"], as: organizer).status == 200)
        #expect(t.request("GET", path + "/event.ics", as: alice).text.contains("\r\nSEQUENCE:1\r\n"))
        #expect(t.request("POST", path + "/cancel", as: alice).status == 200)
        let cancelled = t.request("GET", path + "/event.ics", as: alice).text
        #expect(cancelled.contains("\r\nSEQUENCE:2\r\n") && cancelled.contains("\r\nSTATUS:CANCELLED\r\n"))
    }

    // MARK: The seat map

    @Test func theSeatMapListsEverySeatAndGASectionWithItsPriceAndState() throws {
        let map = t.request("GET", show.path + "/seats")
        let seats = try #require(map["seats"] as? [[String: Any]])
        #expect(seats.count == 10 && seats.allSatisfy { $0["price"] as? Int == 4500 && $0["state"] as? String == "available" })
        #expect(seats.first?["id"] as? String == "stalls-A-1" && seats.first?["section"] as? String == "stalls")
        let ga = try #require(map["ga"] as? [[String: Any]])
        #expect(ga.count == 1 && ga[0]["capacity"] as? Int == 3 && ga[0]["available"] as? Int == 3 && ga[0]["price"] as? Int == 2000)
    }

    @Test func theSeatMapAnswers304ToItsETagUntilItChanges() throws {
        let first = t.request("GET", show.path + "/seats")
        let etag = try #require(first.header("ETag"))
        #expect(t.request("GET", show.path + "/seats", headers: ["If-None-Match": etag]).status == 304)
        _ = try t.hold(alice, show, seats: ["stalls-B-5"])
        let changed = t.request("GET", show.path + "/seats", headers: ["If-None-Match": etag])
        #expect(changed.status == 200 && changed.header("ETag") != etag, "\(changed)")
        #expect(try #require(changed["version"] as? Int) > (try #require(first["version"] as? Int)))
    }

    @Test func aCachedSeatMapNeverShowsAnExpiredHoldAsHeld() throws {
        _ = try t.hold(alice, show, seats: ["stalls-A-1"])
        let held = t.request("GET", show.path + "/seats")
        let etag = try #require(held.header("ETag"))
        t.advanceClock(by: t.services.configuration.holdTTL)
        let after = t.request("GET", show.path + "/seats", headers: ["If-None-Match": etag])
        #expect(after.status == 200, "no 304 once a hold expired: \(after)")
        #expect(try t.seatStates(show)["stalls-A-1"] == "available")
    }
}
