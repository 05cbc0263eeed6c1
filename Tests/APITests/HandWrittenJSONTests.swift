import Common
import Foundation
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime
@testable import Storage

/// The hand-written answers of the write path say exactly what JSONEncoder would.
@Suite("Hand-written JSON")
struct HandWrittenJSONTests {
    static let hostile = "q\"uo\\te/\u{1}\u{8}\u{C}\n\t\u{7F} é 🎟 \u{2028}"

    func parsed(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    func encoded<T: Encodable>(_ value: T) throws -> NSDictionary {
        try parsed(Array(try JSON.encoder.encode(value)))
    }

    @Test(arguments: [nil, 1_800_000_500])
    func aBookingIsWrittenAsTheEncoderWouldWriteIt(cancelledAt: Int?) throws {
        let tickets = [
            TicketRecord(code: "T1", bookingID: "b_1", eventID: "e_1", sectionID: "stalls", seatID: "stalls-A-1", price: 4500, checkedInAt: nil),
            TicketRecord(
                code: Self.hostile, bookingID: "b_1", eventID: "e_1", sectionID: Self.hostile, seatID: nil, price: 0,
                checkedInAt: 1_800_000_100),
        ]
        for tickets in [tickets, []] {
            let booking = BookingRecord(
                id: "b_1", eventID: "e_1", customerID: "u_1", status: .confirmed, total: 4500, currency: "EUR",
                createdAt: 1_800_000_000, cancelledAt: cancelledAt, tickets: tickets)
            let view = BookingView(booking, venueID: Self.hostile)
            #expect(try parsed(HandWrittenJSON.booking(view)) == encoded(["booking": view]))
        }
    }

    @Test func aHoldIsWrittenAsTheEncoderWouldWriteIt() throws {
        for (seats, ga) in [
            (["stalls-A-1", Self.hostile], [GAQuantity(sectionID: "floor", quantity: 2), GAQuantity(sectionID: Self.hostile, quantity: 1)]),
            ([], []),
        ] {
            let hold = HoldRecord(
                id: "h_1", eventID: "e_1", customerID: "u_1", state: .active, seats: seats, ga: ga, total: 9000,
                currency: Self.hostile, createdAt: 1_800_000_000, expiresAt: 1_800_000_600)
            #expect(try parsed(HandWrittenJSON.hold(HoldView(hold))) == encoded(["hold": HoldView(hold)]))
        }
    }

    @Test func aPageOfEventsIsWrittenAsTheEncoderWouldWriteIt() throws {
        let events = [
            EventSummaryView(
                id: "e_1", venueId: "arena", title: "Show", startsAt: Date(timeIntervalSince1970: 1_800_000_000),
                status: "scheduled", minPrice: 4500, currency: "EUR", available: 5000, city: "Zürich"),
            EventSummaryView(
                id: Self.hostile, venueId: Self.hostile, title: Self.hostile, startsAt: Date(timeIntervalSince1970: 0),
                status: "cancelled", minPrice: 0, currency: Self.hostile, available: 0, city: Self.hostile),
            // A venue without a city: the field is left out.
            EventSummaryView(
                id: "e_3", venueId: "hall", title: "Talk", startsAt: Date(timeIntervalSince1970: 1_800_000_000),
                status: "scheduled", minPrice: 0, currency: "EUR", available: 1, city: nil),
        ]
        for (page, cursor) in [(events, Optional("1800000000~e_1")), (events, Self.hostile), ([], nil)] {
            #expect(
                try parsed(HandWrittenJSON.events(page, nextCursor: cursor))
                    == encoded(PageBody(name: "events", items: page, nextCursor: cursor)))
        }
        // The encoder writes a missing cursor as null, not leaving it out; so does the hand.
        #expect(String(decoding: HandWrittenJSON.events([], nextCursor: nil), as: UTF8.self) == #"{"events":[],"nextCursor":null}"#)
    }
}
