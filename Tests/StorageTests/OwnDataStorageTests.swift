import Auth
import TestSupport
import Testing

@testable import Storage

@Suite("What is kept about one customer, and forgetting it")
struct OwnDataStorageTests {
    @Test func aVenueListsTheCustomersBookingsHoldsEntriesAndPaymentsAndNobodyElses() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("u_ann", seats: ["stalls-A-1"]))
        let hold = try venue.hold("u_ann", seats: ["stalls-A-2"])
        _ = try venue.book(try venue.hold("u_bob", ga: [GAQuantity(sectionID: "floor", quantity: 3)]))
        let entry = try venue.store.joinWaitlist(eventID: venue.eventID, customerID: "u_ann", sectionID: "floor", quantity: 2, now: venue.now)

        let records = try venue.store.records(ofCustomer: "u_ann", now: venue.now)
        #expect(records.bookings == [booking])
        #expect(records.holds.map(\.id) == [hold.id])
        #expect(records.waitlist == [entry])
        #expect(records.payments.map(\.bookingID) == [booking.id] && records.payments.map(\.state) == [.captured])
        #expect(try venue.store.records(ofCustomer: "u_ann", now: hold.expiresAt).holds.isEmpty, "an expired hold is no record")
        #expect(try venue.store.records(ofCustomer: "u_nobody", now: venue.now).isEmpty)
    }

    @Test func forgettingACustomerFreesTheirHoldsAndEndsTheirEntriesButKeepsTheirBookings() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("u_ann", seats: ["stalls-A-1"]))
        _ = try venue.hold("u_ann", seats: ["stalls-A-2"])
        _ = try venue.book(try venue.hold("u_bob", ga: [GAQuantity(sectionID: "floor", quantity: 3)]))
        _ = try venue.store.joinWaitlist(eventID: venue.eventID, customerID: "u_ann", sectionID: "floor", quantity: 2, now: venue.now)
        let bobsHold = try venue.hold("u_bob", seats: ["stalls-B-1"])

        try venue.store.forget(customer: "u_ann", now: venue.now)
        let states = try venue.states()
        #expect(states["stalls-A-2"] == .available, "the held seat is free at once")
        #expect(states["stalls-A-1"] == .sold && states["stalls-B-1"] == .held)
        let left = try venue.store.records(ofCustomer: "u_ann", now: venue.now)
        #expect(left.bookings == [booking] && left.holds.isEmpty && left.waitlist.isEmpty && left.payments.count == 1)
        #expect(try venue.store.hold(bobsHold.id, customerID: "u_bob", now: venue.now) != nil, "nobody else's")
    }

    @Test func deletingAUserLeavesNothingUnderTheIdAndFreesTheAddress() throws {
        let directory = TemporaryDirectory()
        let auth = try AuthStore(path: directory.file("auth.sqlite"), synchronous: .full)
        _ = try auth.createUser(id: "u_1", email: "ann@example.com", name: "Ann", role: .customer, passwordHash: "h", now: 0)
        _ = try auth.createUser(id: "u_2", email: "bob@example.com", name: "Bob", role: .customer, passwordHash: "h", now: 0)
        try auth.createSession(tokenHash: "t1", userID: "u_1", now: 10, expiresAt: 1000)
        try auth.createSession(tokenHash: "t2", userID: "u_1", now: 20, expiresAt: 1000)
        try auth.createSession(tokenHash: "t3", userID: "u_2", now: 20, expiresAt: 1000)
        try auth.recordLoginFailure(keys: ["email:ann@example.com"], now: 30, window: 900)
        #expect(try auth.sessions(ofUser: "u_1", now: 50, currentTokenHash: "t2").map(\.isCurrent) == [false, true])

        try auth.deleteUser(id: "u_1")
        #expect(try auth.user(id: "u_1") == nil && auth.user(email: "ann@example.com") == nil)
        #expect(try auth.sessionUser(tokenHash: "t1", now: 50) == nil && auth.sessions(ofUser: "u_1", now: 50, currentTokenHash: nil).isEmpty)
        #expect(try auth.loginFailures(key: "email:ann@example.com") == nil)
        #expect(try auth.sessionUser(tokenHash: "t3", now: 50)?.id == "u_2", "nobody else's")
        _ = try auth.createUser(id: "u_3", email: "ann@example.com", name: "Ann again", role: .customer, passwordHash: "h", now: 60)
    }
}
