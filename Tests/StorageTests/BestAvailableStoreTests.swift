import TestSupport
import Testing

@testable import Storage

@Suite("Best available and seat attributes in a venue file")
struct BestAvailableStoreTests {
    func best(
        _ venue: VenueFixture, _ customer: String, _ quantity: Int, section: String? = nil, voucher: String? = nil, at time: Int? = nil
    ) throws -> HoldRecord {
        var made: HoldRecord?
        _ = try venue.store.createHold(
            eventID: venue.eventID, customerID: customer,
            request: HoldRequest(seats: [], ga: [], best: BestAvailableRequest(quantity: quantity, sectionID: section), voucher: voucher),
            ttl: VenueFixture.ttl, now: time ?? venue.now, idempotency: nil
        ) { hold in
            made = hold
            return StoredResponse(status: 201, body: [])
        }
        return made!
    }

    @Test func bestAvailableSeatsArePricedWithTheVoucherAsked() throws {
        let venue = try VenueFixture()
        _ = try venue.store.createVoucher(eventID: venue.eventID, draft: VoucherDraft(code: "HALF", discount: .percentOff(50)), now: venue.now)
        let hold = try best(venue, "c1", 2, voucher: "half")
        #expect(hold.total == 4500)
        #expect(hold.voucher == AppliedVoucher(code: "HALF", discount: 4500))
        #expect(try venue.book(hold).tickets.map(\.price) == [2250, 2250])
    }

    @Test func bestAvailableHoldsAdjacentSeatsRowAfterRowThenRefuses() throws {
        let venue = try VenueFixture()
        #expect(try best(venue, "c1", 3).seats == ["stalls-A-2", "stalls-A-3", "stalls-A-4"])
        #expect(try best(venue, "c2", 3).seats == ["stalls-B-2", "stalls-B-3", "stalls-B-4"])
        // Seats 1 and 5 are free in both rows, but no two of them side by side.
        #expect(throws: BookingError.noAdjacentSeats(quantity: 2, section: nil)) { try best(venue, "c3", 2) }
        #expect(try best(venue, "c3", 1).seats == ["stalls-A-1"])
        let held = try venue.store.seatMap(eventID: venue.eventID, now: venue.now).seats.filter { $0.state == .held }
        #expect(held.count == 7)
    }

    @Test func anExpiredHoldsSeatsArePickedAgain() throws {
        let venue = try VenueFixture()
        let first = try best(venue, "c1", 5)
        #expect(first.seats == (1...5).map { "stalls-A-\($0)" })
        #expect(try best(venue, "c2", 5).seats == (1...5).map { "stalls-B-\($0)" })
        let later = venue.now + VenueFixture.ttl + 1
        #expect(try best(venue, "c3", 5, at: later).seats == first.seats)
    }

    @Test func badBestRequestsAreRefusedAndChangeNothing() throws {
        let venue = try VenueFixture()
        let before = try venue.store.seatMapTag(eventID: venue.eventID, now: venue.now)?.version
        for (quantity, section) in [(0, nil), (1000, nil), (2, "floor"), (2, "balcony")] as [(Int, String?)] {
            #expect(throws: BookingError.self) { try best(venue, "c1", quantity, section: section) }
        }
        #expect(throws: BookingError.self) {
            try venue.store.createHold(
                eventID: venue.eventID, customerID: "c1",
                request: HoldRequest(seats: ["stalls-A-1"], ga: [], best: BestAvailableRequest(quantity: 1, sectionID: nil)),
                ttl: 60, now: venue.now, idempotency: nil
            ) { _ in StoredResponse(status: 201, body: []) }
        }
        #expect(try venue.store.seatMapTag(eventID: venue.eventID, now: venue.now)?.version == before)
        #expect(try venue.store.seatMap(eventID: venue.eventID, now: venue.now).seats.allSatisfy { $0.state == .available })
    }

    @Test func bestAvailableKeepsToTheAskedSection() throws {
        let venue = try VenueFixture()
        #expect(try best(venue, "c1", 2, section: "stalls").seats == ["stalls-A-2", "stalls-A-3"])
    }

    @Test func seatAttributesAreCheckedStoredAndReadBack() throws {
        let directory = TemporaryDirectory()
        let venues = try VenueDirectory(path: directory.file("venues"), synchronous: .full, maxOpen: 2)
        let id = VenueID("access")!
        func layout(_ attributes: [String]) -> Layout {
            Layout(sections: [
                .init(
                    id: "stalls", name: "Stalls",
                    kind: .seated(rows: [
                        .init(
                            label: "A",
                            seats: .explicit([
                                .init(number: 1, x: 0, y: 0, attributes: attributes),
                                .init(number: 2, x: 12, y: 0, attributes: ["companion"]),
                                .init(number: 3, x: 24, y: 0),
                            ]))
                    ]))
            ])
        }
        let refused = BookingError.invalid(
            "seat attributes are wheelchair, companion, restricted-view, aisle", field: "layout.sections[0].rows[0].seats[0].attributes")
        #expect(throws: refused) {
            _ = try venues.create(id) { store in
                try store.initialise(id: id, name: "A", city: nil, timezone: "UTC", ownerID: "u", layout: layout(["stairs"]), now: 0)
            }
        }
        let store = try venues.create(id) { store in
            try store.initialise(id: id, name: "A", city: nil, timezone: "UTC", ownerID: "u", layout: layout(["aisle", "wheelchair"]), now: 0)
        }
        let expected: [SeatAttributes] = [[.wheelchair, .aisle], [.companion], []]
        #expect(try store.seats().map(\.attributes) == expected)
        #expect(try store.seats()[0].attributes.names == ["wheelchair", "aisle"])
    }
}
