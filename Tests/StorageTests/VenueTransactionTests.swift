import Testing

@testable import Storage

@Suite("The one write path of a venue")
struct VenueTransactionTests {
    @Test func aTouchInsideAWriteBumpsTheVersionOnceAndIsHeardAfterTheCommit() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let before = try venue.store.event(venue.eventID).version
        try venue.store.write(now: venue.now) { transaction in
            transaction.touch(venue.eventID)
            transaction.touch(venue.eventID, seats: ["stalls-A-1"], ga: ["floor"])
            #expect(heard.isEmpty, "nothing is heard before the commit")
        }
        #expect(try venue.store.event(venue.eventID).version == before + 1)
        #expect(
            heard == [
                LiveChange(
                    eventID: venue.eventID, version: before + 1,
                    seats: [.init(id: "stalls-A-1", state: .available)], ga: [.init(section: "floor", available: 3)])
            ])
    }

    @Test func aWriteThatThrowsKeepsTheVersionAndAnnouncesNothing() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let before = try venue.store.event(venue.eventID).version
        #expect(throws: BookingError.holdExpired) {
            try venue.store.write(now: venue.now) { transaction in
                transaction.touch(venue.eventID, seats: ["stalls-A-1"])
                throw BookingError.holdExpired
            }
        }
        #expect(try venue.store.event(venue.eventID).version == before)
        #expect(heard.isEmpty)
        // The next write does not inherit the failed one's touches.
        try venue.store.write(now: venue.now) { _ in }
        #expect(try venue.store.event(venue.eventID).version == before)
    }

    @Test func writesThatTouchNoSeatKeepTheVersionAsBefore() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2", "stalls-A-3", "stalls-A-4", "stalls-A-5"]))
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let before = try venue.store.event(venue.eventID).version
        _ = try venue.store.checkIn(code: booking.tickets[0].code, eventID: venue.eventID, now: venue.now)
        let message = try #require(try venue.store.pendingMessages(now: venue.now, limit: 1).first)
        try venue.store.recordDelivery(message.id, status: .delivered)
        try venue.store.markRefunded(paymentID: "p_none", now: venue.now)
        _ = try venue.store.createEvent(
            id: "e_2",
            draft: EventDraft(
                title: "Matinee", startsAt: venue.now + 3600, currency: "EUR",
                prices: ["stalls": 3000, "floor": 1000]), now: venue.now)
        #expect(try venue.store.event(venue.eventID).version == before)
        #expect(heard.isEmpty)
    }

    @Test func everyTouchOfABatchCountsOnceWithTheBatch() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let before = try venue.store.event(venue.eventID).version
        try venue.store.batch(now: venue.now) {
            try venue.store.write(now: venue.now) { $0.touch(venue.eventID, seats: ["stalls-A-1"]) }
            try venue.store.write(now: venue.now) { $0.touch(venue.eventID, seats: ["stalls-A-2"]) }
        }
        #expect(try venue.store.event(venue.eventID).version == before + 1)
        #expect(heard.map { $0.seats.map(\.id) } == [["stalls-A-1", "stalls-A-2"]])
    }
}
