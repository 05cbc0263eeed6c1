import Foundation
import Testing

@testable import Storage

@Suite("Holding seats")
struct HoldTests {
    @Test func aHoldClaimsItsSeatsAndGAPlacesAllOrNothing() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"], ga: [GAQuantity(sectionID: "floor", quantity: 2)])
        #expect(hold.total == 2 * 4500 + 2 * 2000)
        #expect(try venue.states()["stalls-A-1"] == .held)
        #expect(try venue.gaAvailable() == 1)

        // One seat taken and one free: nothing is held, and the taken seat is named.
        #expect(throws: BookingError.seatUnavailable(["stalls-A-2"])) {
            try venue.hold("bob", seats: ["stalls-A-3", "stalls-A-2"])
        }
        #expect(try venue.states()["stalls-A-3"] == .available)
    }

    @Test func gaIsNeverOversold() throws {
        let venue = try VenueFixture()
        try venue.hold("alice", ga: [GAQuantity(sectionID: "floor", quantity: 2)])
        #expect(throws: BookingError.soldOut(section: "floor", available: 1)) {
            try venue.hold("bob", ga: [GAQuantity(sectionID: "floor", quantity: 2)])
        }
        try venue.hold("bob", ga: [GAQuantity(sectionID: "floor", quantity: 1)])
        #expect(try venue.gaAvailable() == 0)
    }

    @Test func theDatabaseItselfRefusesASecondClaimOnASeat() throws {
        let venue = try VenueFixture()
        try venue.hold("alice", seats: ["stalls-A-1"])
        #expect(throws: SQLiteError.self) {
            try venue.store.database.write { connection in
                try connection.prepare("INSERT INTO seat_claim (event_id, seat_id, booking_id) VALUES (?, ?, ?)")
                    .bind(venue.eventID, "stalls-A-1", "b_forged").run()
            }
        }
        #expect(throws: SQLiteError.self) {
            try venue.store.database.write { connection in
                try connection.prepare("UPDATE ga_stock SET taken = capacity + 1 WHERE event_id = ?").bind(venue.eventID).run()
            }
        }
    }

    @Test func anExpiredHoldFreesItsSeatsAtOnceForReadersAndWriters() throws {
        let venue = try VenueFixture()
        try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 3)], ttl: 60)
        let later = venue.now + 60
        #expect(try venue.states(at: later)["stalls-A-1"] == .available, "no sweeper needed for readers")
        #expect(try venue.gaAvailable(at: later) == 3)
        let bobs = try venue.hold("bob", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 3)], at: later)
        #expect(bobs.seats == ["stalls-A-1"])
    }

    @Test func theFreePlacesOfSeveralEventsAreCountedAsEachAloneWouldBe() throws {
        let venue = try VenueFixture()
        let second = try venue.store.createEvent(
            id: "e_2",
            draft: EventDraft(
                title: "Matinee", startsAt: venue.now + 3600, currency: "EUR",
                prices: ["stalls": 3000, "floor": 1000], maxPerCustomer: 10),
            now: venue.now
        ).id
        _ = try venue.book(try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"], ga: [GAQuantity(sectionID: "floor", quantity: 1)]))
        try venue.hold("bob", seats: ["stalls-B-1"], ttl: 60)  // free again a minute later
        let places = try venue.store.availablePlaces(eventIDs: [venue.eventID, second], now: venue.now)
        #expect(places == [venue.eventID: 10 + 3 - 4, second: 13])
        #expect(try venue.store.availablePlaces(eventIDs: [venue.eventID], now: venue.now + 60) == [venue.eventID: 10 + 3 - 3])
        for eventID in [venue.eventID, second] {
            let alone = try venue.store.availability(eventID: eventID, now: venue.now).reduce(0) { $0 + $1.available }
            #expect(places[eventID] == alone)
        }
    }

    @Test func releasingAHoldFreesItsSeatsAndOnlyItsOwnerMayDoIt() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 1)])
        #expect(throws: BookingError.holdNotFound) { try venue.store.releaseHold(hold.id, customerID: "mallory", now: venue.now) }
        try venue.store.releaseHold(hold.id, customerID: "alice", now: venue.now)
        #expect(try venue.states()["stalls-A-1"] == .available)
        #expect(try venue.gaAvailable() == 3)
    }

    @Test func theCustomerLimitCountsHoldsAndTickets() throws {
        let venue = try VenueFixture(maxPerCustomer: 3)
        let first = try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"])
        _ = try venue.book(first)
        #expect(throws: BookingError.overCustomerLimit(limit: 3, alreadyHas: 2)) {
            try venue.hold("alice", seats: ["stalls-B-1", "stalls-B-2"])
        }
        try venue.hold("alice", seats: ["stalls-B-1"])
    }

    @Test func requestsAreValidated() throws {
        let venue = try VenueFixture()
        #expect(throws: BookingError.self) { try venue.hold("alice") }
        #expect(throws: BookingError.self) { try venue.hold("alice", seats: ["stalls-Z-9"]) }
        #expect(throws: BookingError.self) { try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-1"]) }
        #expect(throws: BookingError.self) { try venue.hold("alice", ga: [GAQuantity(sectionID: "stalls", quantity: 1)]) }
        #expect(throws: BookingError.self) { try venue.hold("alice", ga: [GAQuantity(sectionID: "floor", quantity: 0)]) }
        #expect(throws: BookingError.self) { try venue.hold("alice", ga: [GAQuantity(sectionID: "floor", quantity: 101)]) }
    }

    @Test func noSalesOnceTheEventStarts() throws {
        let venue = try VenueFixture()
        #expect(throws: BookingError.notOnSale("the event has started")) {
            try venue.hold("alice", seats: ["stalls-A-1"], at: venue.now + 86400)
        }
    }
}

@Suite("Booking, cancelling, checking in")
struct BookingTests {
    @Test func aBookingTurnsTheHoldIntoTicketsAndSoldSeats() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 2)])
        let booking = try venue.book(hold)
        #expect(booking.status == .confirmed)
        #expect(booking.tickets.count == 3)
        #expect(booking.tickets.map(\.seatID) == ["stalls-A-1", nil, nil])
        #expect(Set(booking.tickets.map(\.code)).count == 3)
        #expect(try venue.states()["stalls-A-1"] == .sold)
        #expect(try venue.states(at: venue.now + 10_000)["stalls-A-1"] == .sold, "a sale never expires")
        #expect(try venue.gaAvailable(at: venue.now + 10_000) == 1)
    }

    @Test func theConfirmedBookingIsTheOneStored() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-2", "stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 3)])
        let booking = try venue.book(hold)
        #expect(try venue.store.booking(booking.id) == booking, "what the buyer is told is what a later read finds")
        #expect(booking.tickets.map(\.seatID) == ["stalls-A-1", "stalls-A-2", nil, nil, nil])
        #expect(booking.total == booking.tickets.reduce(0) { $0 + $1.price })
    }

    @Test func anExpiredHoldCannotBePaidFor() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ttl: 60)
        #expect(throws: BookingError.holdExpired) {
            _ = try venue.store.beginPayment(holdID: hold.id, customerID: "alice", window: 60, now: venue.now + 61, idempotency: nil)
        }
    }

    @Test func aHoldThatExpiredDuringPaymentIsNotConfirmed() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ttl: 60)
        guard
            case .charge(let intent) = try venue.store.beginPayment(
                holdID: hold.id, customerID: "alice", window: 30,
                now: venue.now, idempotency: nil)
        else { return }
        #expect(throws: BookingError.holdExpired) {
            _ = try venue.store.confirmPayment(intent, providerReference: "r", now: venue.now + 91) { _ in
                StoredResponse(status: 201, body: [])
            }
        }
    }

    @Test func aDeclineLeavesNoBookingAndGivesTheHoldBack() throws {
        let venue = try VenueFixture()
        let hold = try venue.hold("alice", seats: ["stalls-A-1"])
        guard
            case .charge(let intent) = try venue.store.beginPayment(
                holdID: hold.id, customerID: "alice", window: 60,
                now: venue.now, idempotency: nil)
        else { return }
        try venue.store.settleFailedPayment(intent, state: .declined, window: 60, now: venue.now, response: StoredResponse(status: 402, body: []))
        #expect(try venue.store.bookings(customerID: "alice").isEmpty)
        let again = try venue.store.hold(hold.id, customerID: "alice", now: venue.now)
        #expect(again?.state == .active)
        #expect(again?.expiresAt == hold.expiresAt)
    }

    @Test func cancellingFreesSeatsAndPlacesAtOnce() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 3)]))
        let (cancelled, payment) = try venue.store.cancelBooking(booking.id, now: venue.now)
        #expect(cancelled.status == .cancelled)
        #expect(payment != nil)
        #expect(try venue.states()["stalls-A-1"] == .available)
        #expect(try venue.gaAvailable() == 3)
        #expect(throws: BookingError.alreadyCancelled) { _ = try venue.store.cancelBooking(booking.id, now: venue.now) }
    }

    @Test func aTicketIsAdmittedOnceAndNeverForACancelledBooking() throws {
        let venue = try VenueFixture()
        let booking = try venue.book(try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"]))
        let code = booking.tickets[0].code
        #expect(try venue.store.checkIn(code: code, eventID: venue.eventID, now: venue.now).checkedInAt == venue.now)
        #expect(throws: BookingError.alreadyCheckedIn(at: venue.now)) {
            _ = try venue.store.checkIn(code: code, eventID: venue.eventID, now: venue.now)
        }
        #expect(throws: BookingError.ticketNotFound) { _ = try venue.store.checkIn(code: code, eventID: "e_other", now: venue.now) }
        _ = try venue.store.cancelBooking(booking.id, now: venue.now)
        #expect(throws: BookingError.ticketCancelled) {
            _ = try venue.store.checkIn(code: booking.tickets[1].code, eventID: venue.eventID, now: venue.now)
        }
    }

    @Test func cancellingAnEventCancelsEveryBookingAndDropsHolds() throws {
        let venue = try VenueFixture()
        _ = try venue.book(try venue.hold("alice", seats: ["stalls-A-1"]))
        _ = try venue.book(try venue.hold("bob", seats: ["stalls-A-2"]))
        try venue.hold("carol", seats: ["stalls-A-3"])
        let (event, refunds) = try venue.store.cancelEvent(venue.eventID, now: venue.now)
        #expect(event.status == .cancelled)
        #expect(refunds.count == 2)
        #expect(try venue.store.bookingIDs(eventID: venue.eventID).isEmpty)
        #expect(try venue.states().values.allSatisfy { $0 == .available })
        #expect(throws: BookingError.eventCancelled) { try venue.hold("dave", seats: ["stalls-A-4"]) }
    }

    @Test func everyChangeBumpsTheVersionAndTheTagTracksTheNextExpiry() throws {
        let venue = try VenueFixture()
        let before = try #require(try venue.store.seatMapTag(eventID: venue.eventID, now: venue.now))
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ttl: 60)
        let after = try #require(try venue.store.seatMapTag(eventID: venue.eventID, now: venue.now))
        #expect(after.version == before.version + 1)
        #expect(after.nextExpiry == hold.expiresAt)
        let expired = try #require(try venue.store.seatMapTag(eventID: venue.eventID, now: hold.expiresAt))
        #expect(expired.nextExpiry == nil, "once the hold expired the tag changes without a write")
    }
}

@Suite("Idempotency keys")
struct IdempotencyTests {
    @Test func aRepeatReturnsTheFirstResponseAndADifferentBodyIsRefused() throws {
        let venue = try VenueFixture()
        let key = IdempotencyKey(customerID: "alice", key: "k1", requestHash: "h1")
        var calls = 0
        func attempt(_ key: IdempotencyKey, seats: [String]) throws -> StoredResponse {
            try venue.store.createHold(
                eventID: venue.eventID, customerID: "alice", request: HoldRequest(seats: seats, ga: []),
                ttl: 600, now: venue.now, idempotency: key
            ) { hold in
                calls += 1
                return StoredResponse(status: 201, body: Array(hold.id.utf8))
            }
        }
        let first = try attempt(key, seats: ["stalls-A-1"])
        let second = try attempt(key, seats: ["stalls-A-1"])
        #expect(first == second)
        #expect(calls == 1)
        #expect(throws: BookingError.idempotencyMismatch) {
            _ = try attempt(IdempotencyKey(customerID: "alice", key: "k1", requestHash: "h2"), seats: ["stalls-A-2"])
        }
    }
}

@Suite("Keeping idempotency keys")
struct IdempotencyRetentionTests {
    @Test func answeredKeysAreForgottenAfterADayAndUnansweredOnesWaitForTheirPayment() throws {
        let venue = try VenueFixture()
        _ = try venue.store.createHold(
            eventID: venue.eventID, customerID: "alice", request: HoldRequest(seats: ["stalls-A-1"], ga: []), ttl: 600,
            now: venue.now, idempotency: IdempotencyKey(customerID: "alice", key: "answered", requestHash: "h")
        ) { StoredResponse(status: 201, body: Array($0.id.utf8)) }
        let hold = try venue.hold("bob", seats: ["stalls-A-2"])
        _ = try venue.store.beginPayment(
            holdID: hold.id, customerID: "bob", window: 60, now: venue.now,
            idempotency: IdempotencyKey(customerID: "bob", key: "running", requestHash: "h"))
        #expect(try venue.store.pruneAnsweredKeys(now: venue.now + VenueStore.idempotencyRetention) == 0, "a day old, not more")
        #expect(try venue.store.pruneAnsweredKeys(now: venue.now + VenueStore.idempotencyRetention + 1) == 1)
        let left = try venue.store.connection.prepare("SELECT key FROM idempotency").map { $0.string(0) }
        #expect(left == ["running"])
    }
}

/// Requests whose process died between recording their payment and settling it (DESIGN.md,
/// "Resumable requests"). Processes are played by owner names and a set of the running ones.
@Suite("Requests taken over after a crash")
final class ResumableRequestTests {
    let venue: VenueFixture
    var running: Set<String> = []
    let key = IdempotencyKey(customerID: "alice", key: "pay-1", requestHash: "h")

    init() throws {
        venue = try VenueFixture()
        venue.store.isRunning = { [unowned self] in running.contains($0) }
    }

    /// Starts paying for a new hold of alice's as `owner`, with the key.
    func startPayment(as owner: String, at time: Int? = nil) throws -> PaymentIntent {
        let hold = try venue.hold("alice", seats: ["stalls-A-1"])
        running.insert(owner)
        venue.store.requestOwner = owner
        guard
            case .charge(let intent) = try venue.store.beginPayment(
                holdID: hold.id, customerID: "alice", window: 60, now: time ?? venue.now, idempotency: key)
        else { throw BookingError.requestInProgress(retryAfter: 1) }
        return intent
    }

    func retry(as owner: String, at time: Int) throws -> PaymentStart {
        running.insert(owner)
        venue.store.requestOwner = owner
        let holdID = try startedHoldID()
        return try venue.store.beginPayment(holdID: holdID, customerID: "alice", window: 60, now: time, idempotency: key)
    }

    func startedHoldID() throws -> String {
        try venue.store.connection.prepare("SELECT hold_id FROM payment").first { $0.string(0) }!
    }

    @Test func aRetryWhileTheFirstProcessStillRunsItIsInProgress() throws {
        _ = try startPayment(as: "worker-1")
        #expect(throws: BookingError.requestInProgress(retryAfter: 1)) { _ = try self.retry(as: "worker-2", at: self.venue.now + 1) }
    }

    @Test func aRetryAfterTheProcessDiedTakesThePaymentOverWithItsID() throws {
        let first = try startPayment(as: "worker-1")
        running.remove("worker-1")  // SIGKILL
        guard case .charge(let resumed) = try retry(as: "worker-2", at: venue.now + 1) else {
            Issue.record("expected the payment to be taken over")
            return
        }
        #expect(resumed == first, "the same payment id, so the provider charges it at most once")
        #expect(throws: BookingError.requestInProgress(retryAfter: 1), "the new owner runs it now") {
            _ = try self.retry(as: "worker-3", at: self.venue.now + 2)
        }
    }

    @Test func anotherRequestForTheHoldIsToldHonestlyWhenToComeBack() throws {
        _ = try startPayment(as: "worker-1")
        let holdID = try startedHoldID()
        func payWithoutTheKey(at time: Int) throws {
            venue.store.requestOwner = "worker-2"
            _ = try venue.store.beginPayment(holdID: holdID, customerID: "alice", window: 60, now: time, idempotency: nil)
        }
        #expect(throws: BookingError.requestInProgress(retryAfter: 1), "its process still runs") { try payWithoutTheKey(at: self.venue.now + 5) }
        running.remove("worker-1")
        // Nobody can resume it without its key: the reconciler finishes it, 60 s after it
        // started, on a round every 10 s.
        #expect(throws: BookingError.requestInProgress(retryAfter: 65)) { try payWithoutTheKey(at: self.venue.now + 5) }
    }

    @Test func aProcessThatHoldsAPaymentPastItsWindowLosesIt() throws {
        _ = try startPayment(as: "worker-1")
        guard case .charge = try retry(as: "worker-2", at: venue.now + 61) else {
            Issue.record("expected the payment to be taken over")
            return
        }
    }

    @Test func theSameProcessFindingItsOwnUnsettledPaymentTakesItOver() throws {
        // A worker answers one request at a time: its own earlier claim is over.
        _ = try startPayment(as: "worker-1")
        guard case .charge = try retry(as: "worker-1", at: venue.now + 1) else {
            Issue.record("expected the payment to be taken over")
            return
        }
    }

    @Test func aKeyWhoseRequestEndedWithNothingDoneRunsAfreshOnARetry() throws {
        let intent = try startPayment(as: "worker-1")
        try venue.store.settleFailedPayment(intent, state: .abandoned, window: 60, now: venue.now + 1, response: nil)
        guard case .charge(let fresh) = try retry(as: "worker-2", at: venue.now + 2) else {
            Issue.record("expected a new payment")
            return
        }
        #expect(fresh.paymentID != intent.paymentID)
    }

    @Test func theReconcilerFindsPaymentsWhoseProcessIsGoneAndTakesEachOverOnce() throws {
        let intent = try startPayment(as: "worker-1")
        #expect(try venue.store.abandonedPayments(olderThan: venue.now + 100).isEmpty, "its process still runs")
        running.remove("worker-1")
        #expect(try venue.store.abandonedPayments(olderThan: venue.now).isEmpty, "too recent")
        #expect(try venue.store.abandonedPayments(olderThan: venue.now + 100) == [intent])
        venue.store.requestOwner = "notifier"
        running.insert("notifier")
        #expect(try venue.store.takeOver(intent, olderThan: venue.now + 100, now: venue.now + 100))
        #expect(try !venue.store.takeOver(intent, olderThan: venue.now + 100, now: venue.now + 100), "taken already")
        #expect(try venue.store.abandonedPayments(olderThan: venue.now + 100).isEmpty)
    }
}

@Suite("Venue files")
struct VenueDirectoryTests {
    @Test func venueIDsAreSlugsAndNothingElse() {
        for good in ["opera", "a", "hall-2", String(repeating: "x", count: 63)] { #expect(VenueID(good) != nil) }
        for bad in ["", "-x", "Opera", "../etc", "a/b", "a.b", "a%2Fb", String(repeating: "x", count: 64), "é", "a\u{0}"] {
            #expect(VenueID(bad) == nil, "\(bad)")
        }
    }

    @Test func anUnknownVenueIsNeverCreatedByOpeningIt() throws {
        let venue = try VenueFixture()
        #expect(try venue.venues.store(VenueID("ghost")!) == nil)
        #expect(!FileManager.default.fileExists(atPath: venue.venues.filePath(VenueID("ghost")!)))
    }

    @Test func creatingAnExistingVenueIsRefused() throws {
        let venue = try VenueFixture()
        #expect(throws: BookingError.venueExists) { _ = try venue.venues.create(VenueID("hall")!) { _ in } }
        #expect(try venue.venues.allIDs() == [VenueID("hall")!])
    }

    @Test func aFailedCreationLeavesNoFile() throws {
        let venue = try VenueFixture()
        #expect(throws: BookingError.self) {
            _ = try venue.venues.create(VenueID("broken")!) { _ in throw BookingError.invalid("no", field: nil) }
        }
        #expect(try venue.venues.allIDs() == [VenueID("hall")!])
        #expect(try FileManager.default.contentsOfDirectory(atPath: venue.venues.path).allSatisfy { !$0.contains("broken") })
    }
}

@Suite("Live changes")
struct LiveChangeTests {
    @Test func eachCommitReportsItsSeatsWithTheVersionOneHigher() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let start = try venue.store.event(venue.eventID).version
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 2)])
        #expect(
            heard == [
                LiveChange(
                    eventID: venue.eventID, version: start + 1,
                    seats: [.init(id: "stalls-A-1", state: .held)], ga: [.init(section: "floor", available: 1)])
            ])
        try venue.store.releaseHold(hold.id, customerID: "alice", now: venue.now)
        #expect(
            heard.last
                == LiveChange(
                    eventID: venue.eventID, version: start + 2,
                    seats: [.init(id: "stalls-A-1", state: .available)], ga: [.init(section: "floor", available: 3)]))
    }

    @Test func aBatchRunsEachOperationAsIfAloneAndIsOneChangeOfTheEvent() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let start = try venue.store.event(venue.eventID).version
        var holds: [Result<HoldRecord, any Error>] = []
        try venue.store.batch(now: venue.now) {
            for (customer, seats) in [("alice", ["stalls-A-1"]), ("bob", ["stalls-A-1", "stalls-A-3"]), ("carol", ["stalls-A-2"])] {
                holds.append(Result { try venue.hold(customer, seats: seats) })
            }
            #expect(heard.isEmpty, "nothing is published before the commit")
        }
        #expect(holds.map { (try? $0.get())?.customerID } == ["alice", nil, "carol"])
        #expect(throws: BookingError.seatUnavailable(["stalls-A-1"])) { try holds[1].get() }
        // One version for the whole commit, listing the seats of the operations that succeeded.
        #expect(
            heard == [
                LiveChange(
                    eventID: venue.eventID, version: start + 1,
                    seats: [.init(id: "stalls-A-1", state: .held), .init(id: "stalls-A-2", state: .held)], ga: [])
            ])
        #expect(try venue.store.event(venue.eventID).version == start + 1)
        #expect(try venue.states()["stalls-A-3"] == .available)
    }

    @Test func changesMadeUnderOneLockHoldAreHeardOnceItIsReleased() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let start = try venue.store.event(venue.eventID).version
        try venue.store.exclusively {
            _ = try venue.store.batch(now: venue.now) { try venue.hold("alice", seats: ["stalls-A-1"]) }
            try venue.hold("bob", seats: ["stalls-A-2"])
            #expect(heard.isEmpty, "nothing is published while the lock is held")
        }
        // Two commits, two versions, heard in commit order after the lock.
        #expect(heard.map(\.version) == [start + 1, start + 2])
        #expect(heard.map { $0.seats.map(\.id) } == [["stalls-A-1"], ["stalls-A-2"]])
    }

    @Test func anOperationRolledBackInABatchLeavesItsSeatsOutOfTheMessage() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        try venue.store.batch(now: venue.now) {
            _ = try? venue.store.write(now: venue.now) { transaction in
                transaction.touch(venue.eventID, seats: ["stalls-B-1"])
                throw BookingError.holdExpired
            }
            try venue.hold("alice", seats: ["stalls-A-1"])
        }
        #expect(heard.map { $0.seats.map(\.id) } == [["stalls-A-1"]])
    }

    @Test func aPurgeRolledBackWithItsOperationIsRunAgainByTheNextOne() throws {
        let venue = try VenueFixture()
        try venue.hold("alice", seats: ["stalls-A-1"], ttl: 60)
        let later = venue.now + 60
        var carols: HoldRecord?
        try venue.store.batch(now: later) {
            // Purges alice's expired hold, then fails on the unknown seat: the purge is undone.
            #expect(throws: BookingError.self) { try venue.hold("bob", seats: ["stalls-A-1", "stalls-Z-9"], at: later) }
            carols = try venue.hold("carol", seats: ["stalls-A-1"], at: later)
        }
        #expect(carols?.seats == ["stalls-A-1"])
        #expect(try venue.store.connection.prepare("SELECT count(*) FROM hold").queryInt() == 1)
    }

    @Test func aBatchThatFailsPublishesNothingAndKeepsNothing() throws {
        let venue = try VenueFixture()
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try venue.store.batch(now: venue.now) {
                try venue.hold("alice", seats: ["stalls-A-1"])
                throw Stop()
            }
        }
        #expect(heard.isEmpty)
        #expect(try venue.states()["stalls-A-1"] == .available)
    }

    @Test func cancellingAnEventIsOneChange() throws {
        let venue = try VenueFixture()
        _ = try venue.book(try venue.hold("alice", seats: ["stalls-A-1"]))
        _ = try venue.book(try venue.hold("bob", seats: ["stalls-A-2"]))
        var heard: [LiveChange] = []
        venue.store.onChange = { heard += $0 }
        let before = try venue.store.event(venue.eventID).version
        _ = try venue.store.cancelEvent(venue.eventID, now: venue.now)
        #expect(heard.count == 1)
        #expect(heard.first?.version == before + 1)
        #expect(Set(heard.first?.seats.map(\.id) ?? []) == ["stalls-A-1", "stalls-A-2"])
        #expect(try venue.store.event(venue.eventID).version == before + 1)
    }
}

@Suite("Keeping outbox messages")
struct OutboxRetentionTests {
    @Test func decidedMessagesGoAfterThirtyDaysAndPendingOnesStay() throws {
        let venue = try VenueFixture()
        _ = try venue.book(try venue.hold("alice", seats: ["stalls-A-1"]))
        _ = try venue.book(try venue.hold("bob", seats: ["stalls-A-2"]))
        let messages = try venue.store.pendingMessages(now: venue.now, limit: 10)
        #expect(messages.count >= 2)
        try venue.store.recordDelivery(messages[0].id, status: .delivered)
        let later = messages[0].createdAt + VenueStore.outboxRetention
        #expect(try venue.store.pruneDecidedMessages(now: later) == 0, "30 days old, not more")
        #expect(try venue.store.pruneDecidedMessages(now: later + 1) == 1)
        #expect(try venue.store.pendingMessages(now: later + 1, limit: 10).map(\.id) == messages.dropFirst().map(\.id), "the pending ones stay")
    }
}
