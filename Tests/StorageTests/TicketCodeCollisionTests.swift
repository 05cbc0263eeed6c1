import Testing

@testable import Storage

@Suite("Ticket codes that keep colliding")
struct TicketCodeCollisionTests {
    @Test func aGeneratorThatRepeatsItselfFailsTheBookingWithAnErrorOfItsOwn() throws {
        let venue = try VenueFixture()
        venue.store.makeTicketCode = { "SAME" }
        let hold = try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"])
        #expect(throws: TicketCodeCollision.self) { _ = try venue.book(hold) }
        #expect(try venue.store.bookings(customerID: "alice").isEmpty, "nothing of the booking was kept")
        #expect(TicketCodeCollision(attempts: 5).description == "no unique ticket code after 5 attempts")
    }
}
