import Testing

@testable import Storage

/// The queue as stored: one place per account, the draw kept, rounds written atomically.
@Suite("A venue's on-sale queues")
struct QueueStoreTests {
    func queued(rate: Int = 60) throws -> VenueFixture {
        let fixture = try VenueFixture()
        var patch = EventPatch()
        patch.queue = .some(QueueSettings(opensAt: fixture.now, admitPerMinute: rate, passMinutes: 10))
        _ = try fixture.store.updateEvent(fixture.eventID, patch: patch, now: fixture.now)
        return fixture
    }

    func join(_ fixture: VenueFixture, _ customer: String, at time: Int) throws -> (entry: QueueEntryRecord, created: Bool) {
        try fixture.store.joinQueue(fixture.eventID, customerID: customer, now: time) { _, _ in }
    }

    /// A round that draws in the order given and admits `admit`.
    func round(_ fixture: VenueFixture, at time: Int, admit: Int, draw: (([String]) -> [String])? = nil) throws -> QueueRecord? {
        try fixture.store.advanceQueue(fixture.eventID, now: time) { snapshot in
            QueueStep(draw: draw?(snapshot.unnumbered) ?? (snapshot.queue.numberedAt == nil ? snapshot.unnumbered : nil), admit: admit)
        }?.queue
    }

    @Test func anAccountHasOnePlacePerEvent() throws {
        let fixture = try queued()
        #expect(try join(fixture, "alice", at: fixture.now).created)
        let again = try join(fixture, "alice", at: fixture.now + 5)
        #expect(!again.created)
        #expect(again.entry.joinedAt == fixture.now)
        #expect(try fixture.store.queueLength(fixture.eventID) == 1)
    }

    @Test func theDrawIsStoredAndLaterArrivalsFollowInOrder() throws {
        let fixture = try queued()
        for customer in ["a", "b", "c"] { _ = try join(fixture, customer, at: fixture.now) }
        let queue = try #require(try round(fixture, at: fixture.now + 1, admit: 0) { $0.reversed() })
        #expect(queue.numberedAt == fixture.now + 1)
        #expect(queue.lastPosition == 3)
        #expect(try fixture.store.queueEntry(fixture.eventID, customerID: "c")?.position == 1)
        #expect(try fixture.store.queueEntry(fixture.eventID, customerID: "a")?.position == 3)
        #expect(try join(fixture, "d", at: fixture.now + 2).entry.position == 4)
        #expect(try join(fixture, "e", at: fixture.now + 3).entry.position == 5)
    }

    @Test func admittedPlacesGetAPassExpiryAndLeaveTheLength() throws {
        let fixture = try queued()
        for customer in ["a", "b", "c"] { _ = try join(fixture, customer, at: fixture.now) }
        _ = try round(fixture, at: fixture.now + 1, admit: 0) { $0 }
        let queue = try #require(try round(fixture, at: fixture.now + 2, admit: 2))
        #expect(queue.nowServing == 2)
        #expect(try fixture.store.queueLength(fixture.eventID) == 1)
        let first = try #require(try fixture.store.queueEntry(fixture.eventID, customerID: "a"))
        #expect(first.admittedAt == fixture.now + 2)
        #expect(first.passExpiresAt == fixture.now + 2 + 600)
        // Never past the last place given.
        #expect(try round(fixture, at: fixture.now + 3, admit: 50)?.nowServing == 3)
    }

    @Test func theSnapshotCountsUndecidedExpiredAndWhatIsLeft() throws {
        let fixture = try queued()
        for customer in ["a", "b"] { _ = try join(fixture, customer, at: fixture.now) }
        _ = try round(fixture, at: fixture.now + 1, admit: 2) { $0 }
        try fixture.book(fixture.hold("a", seats: ["stalls-A-1"], at: fixture.now + 2), at: fixture.now + 2)
        var seen: QueueSnapshot?
        _ = try fixture.store.advanceQueue(fixture.eventID, now: fixture.now + 3) { snapshot in
            seen = snapshot
            return QueueStep()
        }
        #expect(seen?.undecided == 1)  // b, admitted, has not booked
        #expect(seen?.placesLeft == 12)  // 10 seats and 3 GA, one sold
        // b's pass runs out unused: counted once, then marked.
        _ = try fixture.store.advanceQueue(fixture.eventID, now: fixture.now + 1 + 600) { snapshot in
            seen = snapshot
            return QueueStep()
        }
        #expect(seen?.expiredUnused == 1)
        _ = try fixture.store.advanceQueue(fixture.eventID, now: fixture.now + 2 + 600) { snapshot in
            seen = snapshot
            return QueueStep()
        }
        #expect(seen?.expiredUnused == 0)
    }

    @Test func aQueueCannotBeRemovedOnceSomeoneJoined() throws {
        let fixture = try queued()
        _ = try join(fixture, "alice", at: fixture.now)
        var patch = EventPatch()
        patch.queue = .some(nil)
        #expect(throws: BookingError.self) { try fixture.store.updateEvent(fixture.eventID, patch: patch, now: fixture.now + 1) }
        #expect(try fixture.store.queue(fixture.eventID) != nil)
    }

    @Test func settingsAreValidated() throws {
        let fixture = try VenueFixture()
        var patch = EventPatch()
        patch.queue = .some(QueueSettings(opensAt: fixture.now, admitPerMinute: -1, passMinutes: 10))
        #expect(throws: BookingError.invalid("admitPerMinute is 0 (automatic) to 100000", field: "queue.admitPerMinute")) {
            try fixture.store.updateEvent(fixture.eventID, patch: patch, now: fixture.now)
        }
        patch.queue = .some(QueueSettings(opensAt: fixture.now, admitPerMinute: 10, passMinutes: 0))
        #expect(throws: BookingError.self) { try fixture.store.updateEvent(fixture.eventID, patch: patch, now: fixture.now) }
        #expect(try fixture.store.queue(fixture.eventID) == nil)
    }

    @Test func pausingAndTheRateAreTheOrganizers() throws {
        let fixture = try queued()
        try fixture.store.controlQueue(fixture.eventID, paused: true, admitPerMinute: 120, now: fixture.now + 1)
        let queue = try #require(try fixture.store.queue(fixture.eventID))
        #expect(queue.paused)
        #expect(queue.settings.admitPerMinute == 120)
        #expect(throws: BookingError.queueNotFound) { try fixture.store.controlQueue("e_nope", paused: false, admitPerMinute: nil, now: fixture.now) }
    }
}
