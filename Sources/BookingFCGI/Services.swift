import Auth
import FoundationEssentials
import Storage

/// The long-lived objects of one worker process, built once at start.
final class Services {
    let configuration: Configuration
    let log: Logger
    let auth: AuthStore
    let venues: VenueDirectory
    let catalog: CatalogStore
    let hasher: PasswordHasher
    let hashingGate: HashingGate
    let payments: any PaymentProvider
    let loginThrottle = LoginThrottle()
    let livePublisher: LivePublisher?
    let metrics: SharedMetrics
    /// Venues with recent bookings (see `catchUpCatalogWithRecentBookings`).
    private let recentWrites: RecentVenueWrites
    /// Encoded seat maps by "venue/event", valid while their ETag is current (see EventsController.seats);
    /// a 5,000-seat map is ~500 KB, so few are kept.
    var seatMaps = ResponseCache(capacity: 4)
    var eventPages = ResponseCache(capacity: 64)
    /// The clock, in Unix seconds; replaceable in tests.
    var now: () -> Int = { Int(Date().timeIntervalSince1970) }

    init(configuration: Configuration, log: Logger) throws {
        self.configuration = configuration
        self.log = log
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        auth = try AuthStore(path: configuration.authDatabasePath, synchronous: configuration.synchronous)
        venues = try VenueDirectory(path: configuration.venuesDirectory, synchronous: configuration.synchronous,
                                    maxOpen: configuration.maxOpenVenues)
        catalog = try CatalogStore(path: configuration.dataDirectory + "/catalog.sqlite")
        hasher = PasswordHasher(parameters: Argon2Parameters(memoryKiB: configuration.argon2MemoryKiB,
                                                             iterations: configuration.argon2Iterations,
                                                             parallelism: configuration.argon2Parallelism))
        let locks = configuration.dataDirectory + "/locks"
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
        hashingGate = try HashingGate(directory: locks, slots: configuration.hashingSlots)
        payments = SimulatedPaymentProvider(declineRate: configuration.paymentDeclineRate,
                                            latencyMilliseconds: configuration.paymentLatencyMs)
        let routes = Routes.make().routes.map { "\($0.method) \($0.pattern)" }
        // A worker maps the files its master made; a process outside the pool keeps its own.
        let pooled = FileManager.default.fileExists(atPath: configuration.metricsPath)
        metrics = try SharedMetrics(path: pooled ? configuration.metricsPath : nil, routes: routes)
        recentWrites = try RecentVenueWrites(path: pooled ? configuration.recentVenuesPath : nil)
        livePublisher = configuration.nchanSocket.map { [metrics] in LivePublisher(socketPath: $0, log: log, metrics: metrics) }
        // Every store this worker opens makes real ticket codes and publishes its changes.
        venues.onOpen = { [livePublisher] id, store in
            store.makeTicketCode = TicketCode.make
            if let livePublisher { store.onChange = { livePublisher.publish(venue: id, $0) } }
        }
    }

    /// The store of an existing venue; 404 for an invalid id or an unknown venue (the id is
    /// validated before it touches a path).
    func venueStore(_ rawID: String) throws -> (VenueID, VenueStore) {
        guard let id = VenueID(rawID), let store = try venues.store(id) else { throw APIError.notFound("venue") }
        return (id, store)
    }

    /// Work that waits until the response has gone out (in the notifier, until the end of a
    /// round): the live publishes of the commits made meanwhile, and WAL checkpoints.
    func finishDeferredWork() {
        livePublisher?.flush()
        venues.checkpointWhereDue()
    }

    /// Each second a worker waits without a request: the answers nginx sent meanwhile are
    /// read, and a publish it handed back goes out again instead of waiting for the next
    /// request. Never blocks.
    func whileIdle() {
        livePublisher?.flush()
    }

    /// How far back the catch-up looks: the notifier brings bookings into the catalog within
    /// a round (half a second unless mail is slow).
    static let catalogCatchUpSeconds = 120

    /// Notes a booking in `venue`: the notifier feeds the catalog from the outbox (a booking
    /// never writes the global catalog), and readers catch up with such venues first.
    func bookingWritten(in venue: VenueID) {
        recentWrites.record(venue, at: now())
    }

    /// Brings into the catalog the venues with bookings in the last two minutes, so a
    /// customer's list shows a booking made a moment ago.
    func catchUpCatalogWithRecentBookings() {
        for id in recentWrites.venues(since: now() - Self.catalogCatchUpSeconds) {
            // The catalog is derived: a venue that cannot be opened now is caught up later.
            if let store = try? venues.store(id) { syncCatalog(id, store) }
        }
    }

    /// Brings the cross-venue index up to date with a venue after a write. The index is
    /// derived: a failure here is logged, never turned into a failed request.
    func syncCatalog(_ id: VenueID, _ store: VenueStore) {
        do { try catalog.sync(id, store: store) } catch {
            log.error("catalog sync failed", ["venue": id.value, "error": "\(error)"])
        }
    }
}
