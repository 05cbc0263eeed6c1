import Auth
import TestSupport
import Testing

@testable import SQLite
@testable import Storage

@Suite("States as the venue and auth files store them")
struct StoredStatesTests {
    @Test func everyHoldStateIsAcceptedByItsColumnAndReadBackAsItself() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"])
        for state in HoldState.allCases {
            try venue.store.database.write { try $0.prepare("UPDATE hold SET state = ? WHERE id = ?").bind(state, hold.id).run() }
            #expect(try venue.store.hold(hold.id, customerID: "alice", now: venue.now)?.state == state)
        }
    }

    @Test func everyBookingEventPaymentAndOutboxStateIsAcceptedByItsColumn() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("alice", seats: ["stalls-A-1"]))
        for status in BookingStatus.allCases {
            try venue.store.database.write { try $0.prepare("UPDATE booking SET status = ?").bind(status).run() }
            #expect(try venue.store.booking(booking.id)?.status == status)
        }
        for status in EventStatus.allCases {
            try venue.store.database.write { try $0.prepare("UPDATE event SET status = ?").bind(status).run() }
            #expect(try venue.store.event(venue.eventID).status == status)
        }
        for state in PaymentState.allCases {  // the CHECK constraint refuses any other string
            try venue.store.database.write { try $0.prepare("UPDATE payment SET state = ?").bind(state).run() }
        }
        let message = try #require(try venue.store.outbox(after: 0, limit: 1).first)
        for status in OutboxStatus.allCases {
            try venue.store.recordDelivery(message.id, status: status)
            let stored = try venue.store.connection.prepare("SELECT status FROM outbox WHERE id = ?").bind(message.id)
                .first { try $0.value(0, as: OutboxStatus.self) }
            #expect(stored == status)
        }
    }

    @Test func everyOutboxKindIsReadBackAsItself() throws {
        let venue = try VenueFixture()
        let last = try venue.store.outbox(after: 0, limit: 100).last?.id ?? 0
        try venue.store.database.write { connection in
            for kind in OutboxKind.allCases {
                try connection.prepare("INSERT INTO outbox (kind, payload, created_at) VALUES (?, '{}', 0)").bind(kind).run()
            }
        }
        #expect(try venue.store.outbox(after: last, limit: 100).map(\.kind) == OutboxKind.allCases)
    }

    @Test func everyRoleIsStoredAndReadBack() throws {
        let directory = TemporaryDirectory()
        let store = try AuthStore(path: directory.file("auth.sqlite"), synchronous: .normal)
        for role in Role.allCases {
            _ = try store.createUser(id: "u_\(role)", email: "\(role)@example.com", name: "A", role: role, passwordHash: "h", now: 0)
            #expect(try store.user(id: "u_\(role)")?.role == role)
        }
    }

    @Test func aStateThatNoCaseNamesIsAReadErrorNotADefault() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"])
        // As a newer program might have written it.
        try venue.store.connection.execute("PRAGMA ignore_check_constraints = ON")
        try venue.store.database.write { try $0.prepare("UPDATE hold SET state = 'frozen' WHERE id = ?").bind(hold.id).run() }
        #expect(throws: SQLDecodingError.self) { _ = try venue.store.hold(hold.id, customerID: "alice", now: venue.now) }
        #expect(throws: SQLDecodingError.self) { try venue.store.releaseHold(hold.id, customerID: "alice", now: venue.now) }
        #expect(try venue.states()["stalls-A-1"] == .held, "nothing was released")
    }
}
