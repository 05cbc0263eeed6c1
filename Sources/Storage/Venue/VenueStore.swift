import Common
import Glibc
internal import SQLite

/// One venue's database and every operation on it. This is the only code that writes a
/// venue file, and each operation keeps the invariants (DESIGN.md, "Rules"): reads see
/// expired holds as free, writes purge them first, and claims are guarded by constraints.
public final class VenueStore {
    let database: Database
    /// Makes ticket codes; injected so that Storage need not know their format.
    public var makeTicketCode: () -> String = { Identifier.make("t").uppercased() }
    /// Who runs the requests of this process, recorded with each payment in flight, and how to
    /// tell whether a recorded owner still runs (replaceable in tests).
    public var requestOwner = ProcessIdentity.current
    public var isRunning: (String) -> Bool = ProcessIdentity.isRunning
    /// Called after each commit that changed seat maps (outside the write lock), e.g. to
    /// publish live updates.
    public var onChange: (([LiveChange]) -> Void)?
    /// Seats and sections the running transaction touched (`VenueTransaction.touch`).
    var pending = PendingChanges()
    /// Whether `batch` is running: writes are its savepoints.
    private(set) var batching = false
    /// What a running batch already read or did once: its events (the transaction holds the
    /// write lock, so no one else changes them) and the events whose expired holds it purged.
    var batchEvents: [String: EventRecord] = [:]
    var batchPurged: Set<String> = []
    private var knownSections: [SectionRecord]?

    init(database: Database) throws {
        self.database = database
        try VenueSchema.migrations.apply(to: database)
    }

    var connection: Connection { database.connection }

    /// The one way to write this venue: a write transaction that also collects the seat-map
    /// changes it makes (`VenueTransaction.touch`): each touched event's version grows by
    /// exactly one, and `onChange` hears of it after the commit; a write that touches nothing
    /// changes no version. Inside `batch`, a savepoint whose changes count with the batch's.
    func write<T>(now: Int, _ body: (VenueTransaction) throws -> T) throws -> T {
        if batching {
            let (before, purged) = (pending, batchPurged)
            do {
                return try database.write { connection in try body(VenueTransaction(store: self, connection: connection, now: now)) }
            } catch {
                (pending, batchPurged) = (before, purged)  // rolled back: its seats did not change, its purge is undone
                throw error
            }
        }
        pending = PendingChanges()
        let (result, changes) = try database.write { connection in
            let result = try body(VenueTransaction(store: self, connection: connection, now: now))
            return (result, try finishChanges(now: now, in: connection))
        }
        announce(changes)
        return result
    }

    /// The time for a write whose caller gives none: it only dates the seat states of what
    /// the write might touch (the writes that use it touch nothing).
    static var clockTime: Int { time(nil) }

    /// Runs several operations of this store in one write transaction (`Database.batch`):
    /// each operation commits or fails on its own, as if it ran alone, but the lock, the
    /// commit and the flush are shared. The batch is one change of each event it touched
    /// (one version, one live message listing every seat), as seen at `now`.
    public func batch<T>(now: Int, _ body: () throws -> T) throws -> T {
        precondition(!batching, "batches do not nest")
        pending = PendingChanges()
        batching = true
        defer { (batching, batchEvents, batchPurged) = (false, [:], []) }
        let (result, changes) = try database.batch {
            let result = try body()
            try database.ensureBatchIntact()
            return (result, try finishChanges(now: now, in: connection))
        }
        announce(changes)
        return result
    }

    /// Runs several writes and batches of this store back to back under one hold of its
    /// write lock, with one flush (`Database.exclusively`). `onChange` hears of their
    /// changes once the lock is released and the commits are flushed.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        try database.exclusively(body)
    }

    /// Passes committed changes to `onChange` once they are on disk, outside the write lock.
    private func announce(_ changes: [LiveChange]) {
        guard !changes.isEmpty, let onChange else { return }
        database.whenReleased { onChange(changes) }
    }

    private func finishChanges(now: Int, in connection: Connection) throws -> [LiveChange] {
        try pending.order.map { eventID in
            guard
                let version = try connection.prepare("UPDATE event SET version = version + 1 WHERE id = ? RETURNING version")
                    .bind(eventID).queryInt()
            else { throw BookingError.eventNotFound }
            let seats = try (pending.seats[eventID] ?? []).sorted().map { seatID in
                let state =
                    try connection.prepare(
                        """
                        SELECT CASE WHEN c.booking_id IS NOT NULL THEN 2 WHEN h.expires_at > ? THEN 1 ELSE 0 END
                        FROM seat s LEFT JOIN seat_claim c ON c.event_id = ? AND c.seat_id = s.id LEFT JOIN hold h ON h.id = c.hold_id
                        WHERE s.id = ?
                        """
                    ).bind(now, eventID, seatID).queryInt() ?? 0
                return LiveChange.SeatState(id: seatID, state: [.available, .held, .sold][state])
            }
            let ga = try (pending.sections[eventID] ?? []).sorted().map { section in
                let left = try availability(eventID: eventID, now: now, section: section).first?.available ?? 0
                return LiveChange.GAState(section: section, available: left)
            }
            return LiveChange(eventID: eventID, version: version, seats: seats, ga: ga)
        }
    }

    /// Writes the venue row and its layout; called once, by `VenueDirectory.create`.
    public func initialise(
        id: VenueID, name: String, city: String?, timezone: String, ownerID: String,
        layout: Layout, now: Int
    ) throws {
        try TextRules.name(name, field: "name")
        if let city { try TextRules.name(city, field: "city") }
        let seats = try layout.validatedSeats()
        try write(now: now) { transaction in
            try transaction.prepare("INSERT INTO venue (id, name, city, timezone, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(id.value, name, city, timezone, ownerID, now).run()
            for (position, section) in layout.sections.enumerated() {
                let (kind, capacity): (SectionRecord.Kind, Int)
                switch section.kind {
                case .ga(let places): (kind, capacity) = (.ga, places)
                case .seated: (kind, capacity) = (.seated, seats.filter { $0.sectionID == section.id }.count)
                }
                try transaction.prepare("INSERT INTO section (id, name, kind, capacity, position) VALUES (?, ?, ?, ?, ?)")
                    .bind(section.id, section.name, kind, capacity, position).run()
            }
            for (position, seat) in seats.enumerated() {
                try transaction.prepare(
                    "INSERT INTO seat (id, section_id, row_label, number, x, y, position, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                ).bind(seat.id, seat.sectionID, seat.row, seat.number, seat.x, seat.y, position, seat.attributes.rawValue).run()
            }
            try transaction.appendOutbox(kind: .venueCreated, eventID: nil)
        }
    }

    // MARK: Venue and layout

    public func venue() throws -> VenueRecord {
        guard let venue = try connection.prepare("SELECT id, name, city, timezone, owner_id, created_at FROM venue").first(VenueRecord.init)
        else { throw BookingError.venueNotFound }
        return venue
    }

    /// The layout's sections, in order. They are written once, with the venue, and never
    /// change, so the first non-empty read is kept (every hold validates against them).
    public func sections() throws -> [SectionRecord] {
        if let knownSections { return knownSections }
        let sections = try connection.prepare("SELECT id, name, kind, capacity FROM section ORDER BY position").map(SectionRecord.init)
        if !sections.isEmpty { knownSections = sections }
        return sections
    }

    public func seats() throws -> [SeatRecord] {
        try connection.prepare("SELECT id, section_id, row_label, number, x, y, attributes FROM seat ORDER BY position").map(SeatRecord.init)
    }
}
