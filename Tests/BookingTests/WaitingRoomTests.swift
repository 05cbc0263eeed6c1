import Auth
import Testing

@testable import Booking
@testable import Storage

/// The queue's rules on made-up snapshots: what one admission round decides.
@Suite("The waiting room's rules")
struct WaitingRoomTests {
    let room = WaitingRoom(keys: QueueKeys([QueueKeys.Key(id: "k1", secret: Array(repeating: 1, count: 32))]), difficulty: 4)
    let salesStart = 1_800_000_000

    func event(status: EventStatus = .scheduled, salesEndAt: Int? = nil) -> EventRecord {
        EventRecord(
            id: "e_1", title: "Show", description: "", startsAt: salesStart + 86400, endsAt: nil, currency: "EUR",
            salesStartAt: salesStart, salesEndAt: salesEndAt, maxPerCustomer: 4, status: status, version: 1, createdAt: 0,
            prices: [:])
    }

    func queue(
        rate: Int = 60, paused: Bool = false, soldOut: Bool = false, numberedAt: Int? = nil, nowServing: Int = 0,
        lastPosition: Int = 0, credit: Int = 0, lastAdmitAt: Int? = nil
    ) -> QueueRecord {
        QueueRecord(
            eventID: "e_1", settings: QueueSettings(opensAt: salesStart - 3600, admitPerMinute: rate, passMinutes: 10),
            paused: paused, soldOut: soldOut, numberedAt: numberedAt, nowServing: nowServing, lastPosition: lastPosition,
            admitCredit: credit, lastAdmitAt: lastAdmitAt)
    }

    func snapshot(
        _ queue: QueueRecord, event: EventRecord? = nil, at now: Int, unnumbered: [String] = [], undecided: Int = 0, expiredUnused: Int = 0,
        placesLeft: Int = 100, liveHolds: Int = 0
    ) -> QueueSnapshot {
        QueueSnapshot(
            queue: queue, event: event ?? self.event(), now: now, unnumbered: unnumbered, undecided: undecided,
            expiredUnused: expiredUnused, placesLeft: placesLeft, liveHolds: liveHolds)
    }

    @Test func beforeTheSalesStartNobodyIsNumberedOrAdmitted() {
        let step = room.step(snapshot(queue(), at: salesStart - 1, unnumbered: []))
        #expect(step == QueueStep())
        #expect(room.state(queue(), event: event(), now: salesStart - 1) == .pre)
    }

    @Test func atTheSalesStartEveryoneWaitingIsDrawnOnceAndNumbered() {
        let waiting = (0..<50).map { "u_\($0)" }
        let step = room.step(snapshot(queue(), at: salesStart, unnumbered: waiting))
        #expect(step.draw.map(Set.init) == Set(waiting))
        #expect(step.draw?.count == 50)
        #expect(step.draw != waiting)  // 1 in 50! to fail by chance
        // The first round earns nothing yet: the rate counts from the draw.
        #expect(step.admit == 0)
    }

    @Test func theRateEarnsAdmissionsAndKeepsTheFraction() {
        // 45 a minute over 10 s: 7.5 buyers, 7 admitted now and half a buyer kept.
        let numbered = queue(rate: 45, numberedAt: salesStart, lastPosition: 100, lastAdmitAt: salesStart)
        let step = room.step(snapshot(numbered, at: salesStart + 10))
        #expect(step.admit == 7)
        #expect(step.credit == 30)
        let next = queue(rate: 45, numberedAt: salesStart, nowServing: 7, lastPosition: 100, credit: 30, lastAdmitAt: salesStart + 10)
        #expect(room.step(snapshot(next, at: salesStart + 12)).admit == 2)  // 30 + 90 = 120 sixtieths
    }

    @Test func passesThatRanOutUnusedGiveTheirPlaceBack() {
        let numbered = queue(rate: 6, numberedAt: salesStart, nowServing: 10, lastPosition: 100, lastAdmitAt: salesStart)
        #expect(room.step(snapshot(numbered, at: salesStart + 1, expiredUnused: 3)).admit == 3)
    }

    @Test func nobodyIsAdmittedBeyondTheQueueAndNoCreditIsSavedForLaterArrivals() {
        let numbered = queue(rate: 600, numberedAt: salesStart, nowServing: 8, lastPosition: 10, lastAdmitAt: salesStart)
        let step = room.step(snapshot(numbered, at: salesStart + 60))
        #expect(step.admit == 2)
        #expect(step.credit == 0)
    }

    @Test func automaticModeKeepsTheUndecidedWithinWhatIsLeft() {
        let automatic = queue(rate: 0, numberedAt: salesStart, nowServing: 20, lastPosition: 500, lastAdmitAt: salesStart)
        #expect(room.step(snapshot(automatic, at: salesStart + 1, undecided: 15, placesLeft: 40)).admit == 25)
        #expect(room.step(snapshot(automatic, at: salesStart + 1, undecided: 50, placesLeft: 40)).admit == 0)
    }

    @Test func aPausedQueueAdmitsNobody() {
        let paused = queue(rate: 600, paused: true, numberedAt: salesStart, lastPosition: 100, lastAdmitAt: salesStart)
        #expect(room.step(snapshot(paused, at: salesStart + 30)).admit == 0)
        #expect(room.state(paused, event: event(), now: salesStart + 30) == .paused)
    }

    @Test func nothingLeftAndNoLiveHoldIsSoldOutButALiveHoldMayStillFreePlaces() {
        let numbered = queue(numberedAt: salesStart, lastPosition: 100, lastAdmitAt: salesStart)
        #expect(room.step(snapshot(numbered, at: salesStart + 5, placesLeft: 0, liveHolds: 0)).soldOut)
        let held = room.step(snapshot(numbered, at: salesStart + 5, placesLeft: 0, liveHolds: 2))
        #expect(!held.soldOut)
    }

    @Test func aCancelledOrEndedEventClosesTheQueue() {
        #expect(room.state(queue(), event: event(status: .cancelled), now: salesStart) == .closed)
        #expect(room.state(queue(), event: event(salesEndAt: salesStart + 60), now: salesStart + 60) == .closed)
        #expect(
            room.step(
                snapshot(
                    queue(numberedAt: salesStart, lastPosition: 9, lastAdmitAt: salesStart), event: event(status: .cancelled), at: salesStart + 60)
            ).admit == 0)
    }

    @Test func joiningIsRefusedBeforeTheOpeningAfterTheSalesAndWhenSoldOut() {
        #expect(throws: BookingError.self) { try room.checkJoin(queue(), event: event(), now: salesStart - 3601) }
        #expect(throws: BookingError.queueSoldOut) { try room.checkJoin(queue(soldOut: true), event: event(), now: salesStart) }
        #expect(throws: BookingError.self) { try room.checkJoin(queue(), event: event(salesEndAt: salesStart + 1), now: salesStart + 2) }
        #expect(throws: Never.self) { try room.checkJoin(queue(), event: event(), now: salesStart - 3600) }
    }

    @Test func holdingNeedsThePassOfThisAccountForThisEvent() throws {
        let open = queue(numberedAt: salesStart, nowServing: 5, lastPosition: 10)
        let entry = QueueEntryRecord(customerID: "u_a", joinedAt: salesStart, position: 5, admittedAt: salesStart, passExpiresAt: salesStart + 600)
        let pass = try #require(room.pass(for: entry, eventID: "e_1", now: salesStart + 1))
        #expect(throws: Never.self) { try room.checkPass(pass, queue: open, event: event(), account: "u_a", now: salesStart + 1) }
        #expect(throws: BookingError.queueRequired) { try room.checkPass(nil, queue: open, event: event(), account: "u_a", now: salesStart + 1) }
        #expect(throws: BookingError.invalidPass("this is not a pass of this account for this event")) {
            try room.checkPass(pass, queue: open, event: event(), account: "u_b", now: salesStart + 1)
        }
        #expect(throws: BookingError.invalidPass("this pass has expired")) {
            try room.checkPass(pass, queue: open, event: event(), account: "u_a", now: salesStart + 600)
        }
        // No queue, or a sold-out one: no pass needed.
        #expect(throws: Never.self) { try room.checkPass(nil, queue: nil, event: event(), account: "u_a", now: salesStart) }
        #expect(throws: Never.self) { try room.checkPass(nil, queue: queue(soldOut: true), event: event(), account: "u_a", now: salesStart) }
        #expect(room.pass(for: entry, eventID: "e_1", now: salesStart + 600) == nil)
        #expect(room.entryState(entry, now: salesStart + 600) == .expired)
    }

    /// Every order of four buyers comes out of the draw about equally often: 24,000 draws,
    /// each of the 24 orders expected 1,000 times (a fair draw strays beyond 800...1,200 with
    /// a probability far below one in a million per order).
    @Test func theDrawIsUniform() {
        var seen: [[String]: Int] = [:]
        for _ in 0..<24_000 { seen[WaitingRoom.shuffled(["a", "b", "c", "d"]), default: 0] += 1 }
        #expect(seen.count == 24)
        #expect(seen.values.allSatisfy { (800...1200).contains($0) })
    }
}
