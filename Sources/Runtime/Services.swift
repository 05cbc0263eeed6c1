import Auth
import Booking
import Common
import FoundationEssentials
import Storage

/// The long-lived objects of one process, built once at start: its configuration, log,
/// databases, live publisher and shared counters. What only some processes use (password
/// hashing, the checkout) is built the first time it is asked for, so the notifier never
/// builds an Argon2 hasher.
package final class Services {
    package let configuration: Configuration
    package let log: Logger
    package let auth: AuthStore
    package let venues: VenueDirectory
    package let catalog: CatalogStore
    package let loginThrottle = LoginThrottle()
    package let passwordReset = PasswordResetPolicy()
    package let livePublisher: LivePublisher?
    package let metrics: SharedMetrics
    /// Venues with recent bookings (see `catchUpCatalogWithRecentBookings`).
    private let recentWrites: RecentVenueWrites
    /// The clock, in Unix seconds; replaceable in tests.
    package var now: () -> Int = { Int(Date().timeIntervalSince1970) }

    /// `routes`: "METHOD pattern" of every API route, the rows of the shared request counters.
    package init(configuration: Configuration, log: Logger, routes: [String]) throws {
        self.configuration = configuration
        self.log = log
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        auth = try AuthStore(path: configuration.authDatabasePath, synchronous: configuration.synchronous)
        venues = try VenueDirectory(
            path: configuration.venuesDirectory, synchronous: configuration.synchronous,
            maxOpen: configuration.maxOpenVenues, truncatesWAL: configuration.truncatesWAL)
        catalog = try CatalogStore(path: configuration.dataDirectory + "/catalog.sqlite")
        // A worker maps the files its master made; a process outside the pool keeps its own.
        let pooled = FileManager.default.fileExists(atPath: configuration.metricsPath)
        metrics = try SharedMetrics(path: pooled ? configuration.metricsPath : nil, routes: routes)
        recentWrites = try RecentVenueWrites(path: pooled ? configuration.recentVenuesPath : nil)
        livePublisher = configuration.nchanSocket.map { [metrics] in LivePublisher(socketPath: $0, log: log, metrics: metrics) }
        // Every store this process opens makes real ticket codes and publishes its changes.
        venues.onOpen = { [livePublisher] id, store in
            store.makeTicketCode = TicketCode.make
            if let livePublisher { store.onChange = { livePublisher.publish(venue: id, $0) } }
        }
    }

    /// The purchase lifecycle, with the configured payment provider.
    package private(set) lazy var checkout = Checkout(
        payments: SimulatedPaymentProvider(
            ledgerPath: configuration.simulatedPaymentsPath, declineRate: configuration.paymentDeclineRate,
            latencyMilliseconds: configuration.paymentLatencyMs, now: { [unowned self] in now() }),
        holdTTL: configuration.holdTTL, log: log, now: { [unowned self] in now() },
        bookingsConfirmed: { [unowned self] venue in recentWrites.record(venue, at: now()) })

    /// The on-sale queue's rules, with the configured keys (or the data directory's own).
    package func waitingRoom() throws -> WaitingRoom {
        if let room = builtWaitingRoom { return room }
        let keys = try configuration.queueKeys ?? [QueueKeyFile.load(directory: configuration.dataDirectory)]
        let room = WaitingRoom(keys: QueueKeys(keys), difficulty: configuration.queueDifficulty)
        builtWaitingRoom = room
        return room
    }
    private var builtWaitingRoom: WaitingRoom?

    /// Argon2id with the configured costs.
    package private(set) lazy var hasher = PasswordHasher(
        parameters: Argon2Parameters(
            memoryKiB: configuration.argon2MemoryKiB, iterations: configuration.argon2Iterations, parallelism: configuration.argon2Parallelism))

    /// The pool-wide bound on hashes at once (slot files in the data directory).
    package func hashingGate() throws -> HashingGate {
        if let gate = builtHashingGate { return gate }
        let locks = configuration.dataDirectory + "/locks"
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
        let gate = try HashingGate(directory: locks, slots: configuration.hashingSlots)
        builtHashingGate = gate
        return gate
    }

    private var builtHashingGate: HashingGate?

    /// Work that waits until the response has gone out (in the notifier, until the end of a
    /// round): the live publishes of the commits made meanwhile, and WAL checkpoints.
    package func finishDeferredWork() {
        livePublisher?.flush()
        venues.checkpointWhereDue()
    }

    /// Each second a worker waits without a request: the answers nginx sent meanwhile are
    /// read, and a publish it handed back goes out again instead of waiting for the next
    /// request. Never blocks.
    package func whileIdle() {
        livePublisher?.flush()
    }

    /// How far back the catch-up looks: the notifier brings bookings into the catalog within
    /// a round (half a second unless mail is slow).
    package static let catalogCatchUpSeconds = 120

    /// Brings into the catalog the venues with bookings in the last two minutes, so a
    /// customer's list shows a booking made a moment ago.
    package func catchUpCatalogWithRecentBookings() {
        for id in recentWrites.venues(since: now() - Self.catalogCatchUpSeconds) {
            // The catalog is derived: a venue that cannot be opened now is caught up later.
            if let store = try? venues.store(id) { syncCatalog(id, store) }
        }
    }

    /// Brings the cross-venue index up to date with a venue after a write. The index is
    /// derived: a failure here is logged, never turned into a failed request.
    package func syncCatalog(_ id: VenueID, _ store: VenueStore) {
        do { try catalog.sync(id, store: store) } catch {
            log.error("catalog sync failed", ["venue": id.value, "error": "\(error)"])
        }
    }

    /// The catalog's counts of places left for the venue's events whose seats changed
    /// (the notifier, each round, after the sweep).
    package func syncAvailability(_ id: VenueID, _ store: VenueStore) {
        do { try catalog.syncAvailability(id, store: store, now: now()) } catch {
            log.error("availability sync failed", ["venue": id.value, "error": "\(error)"])
        }
    }
}
