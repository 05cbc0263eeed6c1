import TestSupport
import Testing

@testable import Storage

@Suite("An event's report and attendee list")
struct ReportStoreTests {
    /// Two seats and two GA places sold in two hours, a booking cancelled and refunded, a
    /// seat and a place in live holds, a seat in an expired one, a ticket checked in; read
    /// five minutes after the holds were made.
    struct Sales {
        let venue: VenueFixture
        let first: BookingRecord
        let second: BookingRecord
        let readAt: Int

        init() throws {
            venue = try VenueFixture()
            let now = venue.now
            first = try venue.book(try venue.hold("alice", seats: ["stalls-A-2", "stalls-A-1"]), at: now + 60)
            let cancelled = try venue.book(try venue.hold("bob", seats: ["stalls-A-3"], at: now + 1800), at: now + 1800)
            second = try venue.book(try venue.hold("carol", ga: [GAQuantity(sectionID: "floor", quantity: 2)], at: now + 3700), at: now + 3700)
            let (_, payment) = try venue.store.cancelBooking(cancelled.id, now: now + 3800)
            try venue.store.markRefunded(paymentID: payment!, now: now + 3800)
            _ = try venue.store.checkIn(code: first.tickets[0].code, eventID: venue.eventID, now: now + 3900)
            try venue.hold("dave", seats: ["stalls-B-1"], at: now + 4000)
            try venue.hold("erin", ga: [GAQuantity(sectionID: "floor", quantity: 1)], at: now + 4000)
            try venue.hold("frank", seats: ["stalls-B-2"], at: now + 4000, ttl: 60)
            readAt = now + 4300
        }
    }

    @Test func eachSectionCountsSoldHeldAndFreePlacesAndItsNetRevenue() throws {
        let sales = try Sales()
        let report = try sales.venue.store.report(eventID: sales.venue.eventID, now: sales.readAt)
        #expect(report.currency == "EUR")
        #expect(
            report.sections == [
                SectionReport(sectionID: "stalls", capacity: 10, sold: 2, held: 1, checkedIn: 1, revenue: 9000),
                SectionReport(sectionID: "floor", capacity: 3, sold: 2, held: 1, checkedIn: 0, revenue: 4000),
            ])
        #expect(report.sections.map(\.free) == [7, 0])
        #expect(report.refunded == 4500)
        #expect(report.checkedIn == 1)
    }

    @Test func anExpiredHoldIsNotHeldAndALiveOneStopsBeingHeldWhenItExpires() throws {
        let sales = try Sales()
        let whileLive = try sales.venue.store.report(eventID: sales.venue.eventID, now: sales.venue.now + 4001)
        #expect(whileLive.sections.map(\.held) == [2, 1], "frank's hold is live a minute")
        let afterwards = try sales.venue.store.report(eventID: sales.venue.eventID, now: sales.venue.now + 4600)
        #expect(afterwards.sections.map(\.held) == [0, 0])
        #expect(afterwards.sections.map(\.free) == [8, 1])
    }

    @Test func salesByHourAddUpToTheTicketsStillSold() throws {
        let sales = try Sales()
        let report = try sales.venue.store.report(eventID: sales.venue.eventID, now: sales.readAt)
        let hour = sales.venue.now / 3600 * 3600
        #expect(
            report.salesByHour == [
                HourlySales(hour: hour, tickets: 2, revenue: 9000), HourlySales(hour: hour + 3600, tickets: 2, revenue: 4000),
            ])
        #expect(report.salesByHour.reduce(0) { $0 + $1.tickets } == report.sections.reduce(0) { $0 + $1.sold })
    }

    @Test func anEventWithoutSalesReportsItsCapacityFree() throws {
        let venue = try VenueFixture()
        let report = try venue.store.report(eventID: venue.eventID, now: venue.now)
        #expect(report.sections.map(\.free) == [10, 3])
        #expect(report.salesByHour.isEmpty)
        #expect(report.refunded == 0)
        #expect(throws: BookingError.eventNotFound) { _ = try venue.store.report(eventID: "e_unknown", now: venue.now) }
    }

    @Test func theAttendeesAreTheTicketsOfConfirmedBookingsInTheOrderBooked() throws {
        let sales = try Sales()
        let attendees = try sales.venue.store.attendees(eventID: sales.venue.eventID)
        #expect(attendees.map(\.customerID) == ["alice", "alice", "carol", "carol"])
        #expect(attendees.map(\.seatID) == ["stalls-A-1", "stalls-A-2", nil, nil], "seats in layout order, GA without one")
        #expect(attendees.map(\.sectionID) == ["stalls", "stalls", "floor", "floor"])
        #expect(attendees.map(\.price) == [4500, 4500, 2000, 2000])
        #expect(attendees.map(\.bookedAt) == [sales.venue.now + 60, sales.venue.now + 60, sales.venue.now + 3700, sales.venue.now + 3700])
        let checkedIn = attendees.first { $0.code == sales.first.tickets[0].code }
        #expect(checkedIn?.checkedInAt == sales.venue.now + 3900)
        #expect(attendees.filter { $0.checkedInAt != nil }.count == 1)
        #expect(Set(attendees.map(\.code)) == Set((sales.first.tickets + sales.second.tickets).map(\.code)))
    }
}
