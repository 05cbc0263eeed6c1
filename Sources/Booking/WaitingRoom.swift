import Auth
import Common
import Storage

/// The rules of an event's on-sale queue (DESIGN.md, "On-sale: the waiting room"): who may
/// join and when, the one shuffle of the pre-queue at the sales start, how many are admitted
/// each round, and the pass that holds and one-call bookings need. Storage keeps the places
/// and applies each round's step in one transaction; this type decides it.
package struct WaitingRoom: Sendable {
    /// Where a queue stands, as buyers see it.
    package enum State: String, Sendable {
        /// Open for joining; the sales have not started, so nobody has a number yet.
        case pre
        /// Numbered and admitting.
        case open
        /// Numbered; the organizer stopped admission for now.
        case paused
        /// Nothing left to sell and no hold live: nobody more is admitted.
        case soldOut = "sold_out"
        /// The sales are over (ended, the event started or was cancelled).
        case closed

        /// Whether holds and one-call bookings need a pass (from the queue's opening).
        package var holdsNeedPass: Bool {
            switch self {
            case .pre, .open, .paused: true
            case .soldOut, .closed: false
            }
        }
    }

    /// Where one buyer's place stands.
    package enum EntryState: String, Sendable {
        case waiting, admitted, expired
    }

    /// Signs passes and challenges.
    package let keys: QueueKeys
    /// Leading zero bits a join's proof of work needs.
    package let difficulty: Int

    package init(keys: QueueKeys, difficulty: Int) {
        self.keys = keys
        self.difficulty = difficulty
    }

    package func state(_ queue: QueueRecord, event: EventRecord, now: Int) -> State {
        if event.status == .cancelled || now >= event.startsAt || event.salesEndAt.map({ now >= $0 }) == true { return .closed }
        if queue.soldOut { return .soldOut }
        if queue.numberedAt == nil { return .pre }
        return queue.paused ? .paused : .open
    }

    /// Joining is allowed from the opening until the sales end or everything is sold.
    package func checkJoin(_ queue: QueueRecord, event: EventRecord, now: Int) throws {
        guard now >= queue.settings.opensAt else {
            throw BookingError.queueNotOpen(
                "the queue opens at \(RFC3339.string(from: .init(timeIntervalSince1970: Double(queue.settings.opensAt))))")
        }
        switch state(queue, event: event, now: now) {
        case .closed: throw BookingError.queueNotOpen("the sales of this event are over")
        case .soldOut: throw BookingError.queueSoldOut
        case .pre, .open, .paused: return
        }
    }

    /// The proof of work of a join, bound to the event and the account.
    package func checkProof(nonce: String, eventID: String, account: String, now: Int) throws {
        guard ProofOfWork.verify(nonce: nonce, event: eventID, account: account, difficulty: difficulty, now: now, keys: keys) else {
            throw BookingError.badProof
        }
    }

    package func challenge(eventID: String, now: Int) -> String { ProofOfWork.challenge(event: eventID, now: now, keys: keys) }

    package func entryState(_ entry: QueueEntryRecord, now: Int) -> EntryState {
        guard let expires = entry.passExpiresAt else { return .waiting }
        return expires > now ? .admitted : .expired
    }

    /// The pass of an admitted place whose pass still runs.
    package func pass(for entry: QueueEntryRecord, eventID: String, now: Int) -> String? {
        guard let position = entry.position, let expires = entry.passExpiresAt, expires > now else { return nil }
        return QueuePass.issue(event: eventID, account: entry.customerID, position: position, expiresAt: expires, keys: keys)
    }

    /// The check before a hold or a one-call booking writes anything: from the queue's
    /// opening until the event is sold out or its sales end, a valid pass of this account
    /// for this event. Its text alone decides; no lock is taken.
    package func checkPass(_ pass: String?, queue: QueueRecord?, event: EventRecord, account: String, now: Int) throws {
        guard let queue, now >= queue.settings.opensAt, state(queue, event: event, now: now).holdsNeedPass else { return }
        guard let pass, !pass.isEmpty else { throw BookingError.queueRequired }
        switch QueuePass.verify(pass, event: event.id, account: account, now: now, keys: keys) {
        case .success: return
        case .failure(.expired): throw BookingError.invalidPass("this pass has expired")
        case .failure(.forged): throw BookingError.invalidPass("this is not a pass of this account for this event")
        }
    }

    /// `checkPass` for a hold or one-call booking of `eventID` in `store`: one read by
    /// primary key for an event without a queue, the event's row besides for one with.
    package func requirePass(_ pass: String?, store: VenueStore, eventID: String, account: String, now: Int) throws {
        guard let queue = try store.queue(eventID) else { return }
        try checkPass(pass, queue: queue, event: try store.event(eventID), account: account, now: now)
    }

    /// One admission round: the draw when the sales start, then as many admissions as the
    /// rate earned (plus one for each pass that ran out unused), or in automatic mode as
    /// many as keep the admitted, undecided buyers within what is left to sell.
    package func step(_ snapshot: QueueSnapshot) -> QueueStep {
        let queue = snapshot.queue
        var step = QueueStep(credit: queue.admitCredit)
        guard state(queue, event: snapshot.event, now: snapshot.now) != .closed else { return step }
        var numberedWaiting = queue.lastPosition - queue.nowServing
        if queue.numberedAt == nil {
            guard snapshot.now >= (snapshot.event.salesStartAt ?? queue.settings.opensAt) else { return step }
            step.draw = Self.shuffled(snapshot.unnumbered)
            numberedWaiting += snapshot.unnumbered.count
        }
        step.soldOut = snapshot.placesLeft == 0 && snapshot.liveHolds == 0
        guard !step.soldOut, !queue.paused else { return step }
        var admit: Int
        if queue.settings.admitPerMinute == 0 {
            admit = max(0, snapshot.placesLeft - snapshot.undecided)
        } else {
            let elapsed = max(0, snapshot.now - (queue.lastAdmitAt ?? snapshot.now))
            let credit = queue.admitCredit + elapsed * queue.settings.admitPerMinute
            admit = credit / 60 + snapshot.expiredUnused
            step.credit = credit % 60
        }
        admit = min(admit, numberedWaiting)
        // Nobody left waiting: no admissions are saved up for later arrivals to flood in with.
        if numberedWaiting - admit == 0 { step.credit = 0 }
        step.admit = admit
        return step
    }

    /// A uniform random permutation (Fisher-Yates) drawn from the system CSPRNG.
    package static func shuffled(_ items: [String]) -> [String] {
        var items = items
        guard items.count > 1 else { return items }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, uniformBelow(i + 1))
        }
        return items
    }

    /// A uniform integer in 0..<bound, by rejection (no modulo bias).
    static func uniformBelow(_ bound: Int) -> Int {
        let range = UInt64(bound)
        let limit = UInt64.max - UInt64.max % range
        while true {
            let value = SecureRandom.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if value < limit { return Int(value % range) }
        }
    }
}
