import Booking
import Common
import Documents
import FoundationEssentials
import Glibc
import Runtime
import Storage

nonisolated(unsafe) private var notifierStopRequested: sig_atomic_t = 0

/// `booking-fcgi notifier`: what happens after a commit. Each round, for every venue, it
/// sweeps expired holds (announcing the freed seats live), matches the waiting list, brings
/// the catalog up to date and delivers due outbox messages by email, at least once, with
/// back-off and a bounded number of attempts. Every few seconds the reconciler finishes the
/// requests abandoned between payment and confirmation (every ten seconds). Email about
/// accounts (reset links, notices of changes) goes out first each round.
package struct Notifier {
    let services: Services
    let mailer: Mailer
    let composer: EmailComposer
    let accountComposer: AccountEmailComposer
    /// Writes the answers of the booking requests the reconciler finishes (the API's).
    let replies: (VenueID) -> Checkout.Replies
    /// What each queue's waiting buyers were last told live.
    let queueBroadcast = QueueBroadcast()
    /// The queues in force, as files nginx checks (nil without `BOOKING_QUEUE_MARKERS`).
    let queueMarkers: QueueMarkers?
    /// Emails sent and failed, for the metrics (nil if the file cannot be made: mail goes on).
    let mailCounters: MailCounters?
    /// The venues known to be in the auth database's registry.
    let registeredVenues = RegisteredVenues()
    var log: Logger { services.log }
    /// SIGTERM or SIGINT arrived: finish the message at hand and stop.
    var stopRequested: Bool { notifierStopRequested != 0 }

    package init(services: Services, replies: @escaping (VenueID) -> Checkout.Replies) {
        self.services = services
        self.replies = replies
        let configuration = services.configuration
        mailer = Mailer(sendmailPath: configuration.sendmailPath, sender: configuration.mailFrom)
        composer = EmailComposer(from: configuration.mailFrom, publicURL: configuration.publicURL)
        accountComposer = AccountEmailComposer(from: configuration.mailFrom, publicURL: configuration.publicURL)
        queueMarkers = configuration.queueMarkers.map(QueueMarkers.init(directory:))
        do { mailCounters = try MailCounters(dataDirectory: configuration.dataDirectory) } catch {
            services.log.error("cannot keep the mail counters", ["error": "\(error)"])
            mailCounters = nil
        }
    }

    package func run() -> Never {
        installSignalHandler([SIGTERM, SIGINT]) { _ in notifierStopRequested = 1 }
        signal(SIGPIPE, SIG_IGN)
        log.info("notifier started", ["pid": "\(getpid())"])
        ReplicationMonitor(configuration: services.configuration)?.start(log: log)
        var lastReconcile = 0
        var lastCheckpoint = services.now()
        var lastPrune = 0
        while notifierStopRequested == 0 {
            let mailLeft = round()
            if services.now() - lastReconcile >= VenueStore.reconcilerInterval {
                lastReconcile = services.now()
                do {
                    _ = try services.checkout.finishAbandonedRequests(in: services.venues, olderThan: VenueStore.abandonedAge, replies: replies)
                } catch {
                    log.error("reconcile failed", ["error": "\(error)"])
                }
                services.finishDeferredWork()
            }
            if services.now() - lastPrune >= 3600 {
                lastPrune = services.now()
                pruneOldRecords()
            }
            if services.now() - lastCheckpoint >= 60 {
                lastCheckpoint = services.now()
                checkpointAll()
            }
            // With mail backed up, the next round starts at once (its sweeps and queues first).
            if !mailLeft {
                usleep(useconds_t(services.configuration.notifierIntervalMs) * 1000)
            }
        }
        log.info("notifier stopped", [:])
        exit(0)
    }

    /// Once an hour: forgets the idempotency keys answered more than a day ago, the outbox
    /// messages decided more than 30 days ago, expired sessions and stale login failures.
    private func pruneOldRecords() {
        do { _ = try services.auth.pruneExpired(now: services.now()) } catch {
            log.error("pruning expired sessions failed", ["error": "\(error)"])
        }
        for id in (try? services.venues.allIDs()) ?? [] {
            do {
                guard let store = try services.venues.store(id) else { continue }
                _ = try store.pruneAnsweredKeys(now: services.now())
                _ = try store.pruneDecidedMessages(now: services.now())
            } catch {
                log.error("pruning old records failed", ["venue": id.value, "error": "\(error)"])
            }
        }
    }

    /// Adds the venues not yet in the auth database's registry (all of them at the first
    /// round, then each new one), so that its replica names every venue to restore.
    private func registerNewVenues(_ ids: [VenueID]) {
        do {
            if registeredVenues.ids == nil { registeredVenues.ids = Set(try services.auth.registeredVenueIDs()) }
            let new = ids.map(\.value).filter { !(registeredVenues.ids?.contains($0) ?? false) }
            try services.auth.registerVenues(new, now: services.now())
            registeredVenues.ids?.formUnion(new)
        } catch {
            log.error("cannot register the venues in the auth database", ["error": "\(error)"])
        }
    }

    /// Truncates every venue's WAL once a minute: under constant readers SQLite's automatic
    /// checkpoints cannot finish, and the WAL would grow without bound.
    private func checkpointAll() {
        for id in (try? services.venues.allIDs()) ?? [] {
            do { try services.venues.store(id)?.checkpoint() } catch {
                log.error("checkpoint failed", ["venue": id.value, "error": "\(error)"])
            }
        }
    }

    /// How long a round may spend on venue mail: an on-sale's thousand confirmations (each
    /// with its PDF) must not hold up the sweeps and the queues' admissions behind them.
    static let mailBudget = Duration.seconds(1)

    /// One pass over every venue. Failures are logged per venue and retried next round.
    /// Answers whether mail was left for the next round (the budget ran out).
    @discardableResult
    func round() -> Bool {
        let ids: [VenueID]
        do { ids = try services.venues.allIDs() } catch {
            log.error("cannot list venues", ["error": "\(error)"])
            return false
        }
        registerNewVenues(ids)
        // Every venue's holds, waiting list and catalog entries first: sending mail can take a
        // while, and bookings should reach "my bookings" within a round wherever they are.
        var queuesInForce = Set<String>()
        var unsent = NotifierHeartbeat(roundAt: 0, mailPending: 0, oldestMailAt: nil)
        // What the readiness check reads: this round ended, with this much mail waiting.
        defer {
            unsent.roundAt = services.now()
            unsent.write(dataDirectory: services.configuration.dataDirectory)
        }
        for id in ids where notifierStopRequested == 0 {
            do {
                guard let store = try services.venues.store(id) else { continue }
                let now = services.now()
                try store.sweepExpiredHolds(now: now)
                try store.matchWaitlist(now: now, holdTTL: services.configuration.waitlistHoldTTL)
                queuesInForce.formUnion(try advanceQueues(store, venue: id, now: now))
                services.syncCatalog(id, store)
                services.syncAvailability(id, store)
                let mail = try store.unsentMail()
                unsent.mailPending += mail.count
                unsent.oldestMailAt = [unsent.oldestMailAt, mail.oldestAt].compactMap { $0 }.min()
            } catch {
                log.error("notifier round failed", ["venue": id.value, "error": "\(error)"])
            }
        }
        // A venue whose round failed keeps no marker: nginx then leaves its holds to the pool.
        for failure in queueMarkers?.sync(queuesInForce) ?? [] {
            log.warning("cannot write a queue marker", ["marker": failure])
        }
        // Seats the sweeps freed go out live now, not after the mail.
        services.finishDeferredWork()
        deliverAccountMail(now: services.now())
        // Stores are looked up again: holding every one would defeat the directory's LRU. The
        // venues take turns at going first, so that one venue's backlog delays no other's mail.
        let deadline = ContinuousClock.now + Self.mailBudget
        let first = ids.isEmpty ? 0 : services.now() % ids.count
        for id in ids[first...] + ids[..<first] where notifierStopRequested == 0 {
            do {
                guard let store = try services.venues.store(id) else { continue }
                if try !deliver(store, venue: id, now: services.now(), until: deadline) { return true }
            } catch {
                log.error("notifier round failed", ["venue": id.value, "error": "\(error)"])
            }
        }
        return false
    }

    /// Sends the venue's due messages until `deadline`; answers false if it stopped for it.
    private func deliver(_ store: VenueStore, venue: VenueID, now: Int, until deadline: ContinuousClock.Instant) throws -> Bool {
        for row in try store.pendingMessages(now: now, limit: 100) where notifierStopRequested == 0 {
            guard ContinuousClock.now < deadline else { return false }
            guard let message = try email(for: row, store: store) else {
                try store.recordDelivery(row.id, status: .skipped)
                continue
            }
            do {
                try send(message)
            } catch {
                let attempts = try store.attempts(ofMessage: row.id) + 1
                switch redelivery(after: error, attempts: attempts) {
                case .giveUp:
                    try store.recordDelivery(row.id, status: .failed, error: "\(error)")
                    log.error("email given up", ["venue": venue.value, "outbox": "\(row.id)", "attempts": "\(attempts)", "error": "\(error)"])
                case .retry(let delay):
                    try store.recordDelivery(row.id, status: .pending, error: "\(error)", retryAt: now + delay)
                    log.error("email failed, will retry", ["venue": venue.value, "outbox": "\(row.id)", "retryIn": "\(delay)", "error": "\(error)"])
                }
                continue
            }
            // Not recorded (the notifier killed now, a full disk): sent again, at least once,
            // with the same Message-ID.
            try store.recordDelivery(row.id, status: .delivered)
            log.info("email sent", ["venue": venue.value, "outbox": "\(row.id)", "kind": row.kind.rawValue])
        }
        return true
    }

    /// Hands `message` to sendmail, counting the outcome for the metrics.
    func send(_ message: EmailMessage) throws(Mailer.Failure) {
        do {
            try mailer.send(to: message.to, message: message.bytes)
        } catch {
            mailCounters?.add(.failed)
            throw error
        }
        mailCounters?.add(.ok)
    }

    /// After a failed send: only a message refused for itself is given up, after the attempts;
    /// a mail server that is down for longer than they last must not lose the mail queued
    /// meanwhile. Retries wait 2, 4, 8 … seconds, at most 15 minutes.
    enum Redelivery {
        case giveUp
        case retry(afterSeconds: Int)
    }

    func redelivery(after error: Mailer.Failure, attempts: Int) -> Redelivery {
        if error.permanent && attempts >= services.configuration.mailMaxAttempts { return .giveUp }
        return .retry(afterSeconds: min(1 << min(attempts, 20), 900))
    }

    private func email(for row: VenueStore.OutboxRow, store: VenueStore) throws -> EmailMessage? {
        guard let customerID = row.customerID, let eventID = row.eventID, let customer = try services.auth.user(id: customerID) else {
            return nil
        }
        let booking = try row.bookingID.flatMap { try store.booking($0) }
        let hold = try Self.payloadHold(row).flatMap { try store.hold($0, customerID: customerID, now: 0) }
        var context = EmailComposer.Context(
            venue: try store.venue(), event: try store.event(eventID), customer: customer,
            booking: booking, hold: hold)
        context.documents = try Self.documentedBookings(row, booking: booking, customerID: customerID, eventID: eventID, store: store)
            .map { try BookingDetails.load($0, from: store) }
        return composer.compose(row, context: context)
    }

    /// The bookings whose tickets or calendar entries go with the message: its own booking,
    /// or the customer's bookings of the moved (confirmed ones) or cancelled event.
    private static func documentedBookings(
        _ row: VenueStore.OutboxRow, booking: BookingRecord?, customerID: String, eventID: String, store: VenueStore
    ) throws -> [BookingRecord] {
        switch row.kind {
        case .bookingConfirmed, .bookingCancelled: return booking.map { [$0] } ?? []
        case .eventMoved: return try store.bookings(customerID: customerID).filter { $0.eventID == eventID && $0.status == .confirmed }
        case .eventCancelled: return try store.bookings(customerID: customerID).filter { $0.eventID == eventID }
        default: return []
        }
    }

    private static func payloadHold(_ row: VenueStore.OutboxRow) -> String? {
        row.kind == .waitlistMatch ? EmailComposer.payloadValue(row.payload, "holdId") : nil
    }
}

/// The notifier's memory of the venue registry (nil until read at the first round).
final class RegisteredVenues {
    var ids: Set<String>?
}
