import FoundationEssentials
internal import SQLite

/// The cross-venue index (`catalog.sqlite`): the event list and each customer's bookings
/// across venues. It is derived data: fed from each venue's outbox past a per-venue
/// high-water mark, and rebuilt from the venue files by `rebuild`. Because it can always be
/// rebuilt it runs with `synchronous=OFF`, so it adds no fsync to the booking path.
public final class CatalogStore {
    public struct EventEntry: Sendable, Equatable {
        public let eventID: String
        public let venueID: String
        public let title: String
        public let startsAt: Int
        public let status: EventStatus
        public let minPrice: Int
        public let currency: String
        /// Places left, as the notifier last counted them (at most a round behind the venue);
        /// nil until it has.
        public let available: Int?
    }

    public struct BookingEntry: Sendable, Equatable {
        public let bookingID: String
        public let venueID: String
        public let createdAt: Int
    }

    let database: Database

    static let migrations = Migrations([
        """
        CREATE TABLE event_index (
            event_id  TEXT PRIMARY KEY,
            venue_id  TEXT NOT NULL,
            title     TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            status    TEXT NOT NULL,
            min_price INTEGER NOT NULL,
            currency  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX event_index_by_start ON event_index(starts_at, event_id);
        CREATE TABLE booking_index (
            booking_id  TEXT PRIMARY KEY,
            venue_id    TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX booking_index_by_customer ON booking_index(customer_id, created_at, booking_id);
        CREATE TABLE venue_index (
            venue_id   TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            city       TEXT,
            owner_id   TEXT NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX venue_index_by_owner ON venue_index(owner_id);
        CREATE TABLE venue_mark (venue_id TEXT PRIMARY KEY, outbox_id INTEGER NOT NULL) WITHOUT ROWID;
        """,
        // 2: places left per event, counted by the notifier at the event's version, so the
        // list reads one row per event instead of counting seats in every venue on the page.
        """
        ALTER TABLE event_index ADD COLUMN available INTEGER;
        ALTER TABLE event_index ADD COLUMN counted_version INTEGER;
        """,
    ])

    public init(path: String) throws {
        database = try Database(path: path, create: true, synchronous: .normal)
        try database.connection.execute("PRAGMA synchronous = OFF")
        try Self.migrations.apply(to: database)
    }

    /// Applies the venue's outbox rows past the mark. Cheap when there is nothing new.
    public func sync(_ venueID: VenueID, store: VenueStore) throws {
        let mark = try database.connection.prepare("SELECT outbox_id FROM venue_mark WHERE venue_id = ?").bind(venueID.value).queryInt() ?? 0
        let rows = try store.outbox(after: mark, limit: 500)
        guard let last = rows.last?.id else { return }
        try database.write { connection in
            for row in rows {
                switch row.kind {
                case .venueCreated:
                    let venue = try store.venue()
                    try connection.prepare("INSERT OR REPLACE INTO venue_index (venue_id, name, city, owner_id, created_at) VALUES (?, ?, ?, ?, ?)")
                        .bind(venue.id, venue.name, venue.city, venue.ownerID, venue.createdAt).run()
                case .eventChanged, .eventCancelled, .eventMoved:
                    if let eventID = row.eventID { try index(event: try store.event(eventID), venueID: venueID, in: connection) }
                case .bookingConfirmed:
                    if let bookingID = row.bookingID, let customerID = row.customerID {
                        try connection.prepare(
                            "INSERT OR IGNORE INTO booking_index (booking_id, venue_id, customer_id, created_at) VALUES (?, ?, ?, ?)"
                        )
                        .bind(bookingID, venueID.value, customerID, row.createdAt).run()
                    }
                case .bookingCancelled, .waitlistMatch:
                    break
                }
            }
            try connection.prepare(
                "INSERT INTO venue_mark (venue_id, outbox_id) VALUES (?, ?) ON CONFLICT (venue_id) DO UPDATE SET outbox_id = excluded.outbox_id"
            )
            .bind(venueID.value, last).run()
        }
        if rows.count == 500 { try sync(venueID, store: store) }
    }

    private func index(event: EventRecord, venueID: VenueID, in connection: Connection) throws {
        try connection.prepare(
            """
            INSERT INTO event_index (event_id, venue_id, title, starts_at, status, min_price, currency) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (event_id) DO UPDATE SET title = excluded.title, starts_at = excluded.starts_at, status = excluded.status,
                min_price = excluded.min_price, currency = excluded.currency
            """
        ).bind(event.id, venueID.value, event.title, event.startsAt, event.status, event.prices.values.min() ?? 0, event.currency).run()
    }

    /// Counts again the places left of the venue's scheduled events whose version moved
    /// since they were last counted (a claim, release, booking, cancellation or sweep each
    /// moves it); cheap when nothing did.
    public func syncAvailability(_ venueID: VenueID, store: VenueStore, now: Int) throws {
        let counted = Dictionary(
            try database.connection.prepare("SELECT event_id, counted_version FROM event_index WHERE venue_id = ? AND status = ?")
                .bind(venueID.value, EventStatus.scheduled).map { ($0.string(0), $0.optionalInt(1)) }
        ) { first, _ in first }
        let stale = try store.eventVersions().filter { counted.keys.contains($0.key) && counted[$0.key] != $0.value }
        guard !stale.isEmpty else { return }
        let available = try store.availablePlaces(eventIDs: Array(stale.keys), now: now)
        try database.write { connection in
            for (eventID, version) in stale {
                try connection.prepare("UPDATE event_index SET available = ?, counted_version = ? WHERE event_id = ?")
                    .bind(available[eventID] ?? 0, version, eventID).run()
            }
        }
    }

    /// `text` for a LIKE pattern with `ESCAPE '\\'`: `\\`, `%` and `_` each escaped. By
    /// scalar, not by character: `%` followed by a combining mark is one character but
    /// still a wildcard to SQLite.
    static func escapingLikeWildcards(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }

    /// Events by start time, filtered; `after` is the (startsAt, id) of the last one seen.
    public func events(query: String?, venueID: String?, from: Int?, to: Int?, after: (Int, String)?, limit: Int) throws -> [EventEntry] {
        let pattern = query.map { "%" + Self.escapingLikeWildcards($0) + "%" }
        return try database.connection.prepare(
            """
            SELECT event_id, venue_id, title, starts_at, status, min_price, currency, available FROM event_index
            WHERE (?1 IS NULL OR title LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR venue_id = ?2)
              AND starts_at >= coalesce(?3, -9223372036854775808) AND (?4 IS NULL OR starts_at < ?4)
              AND (?5 IS NULL OR starts_at > ?5 OR (starts_at = ?5 AND event_id > ?6))
            ORDER BY starts_at, event_id LIMIT ?7
            """
        ).bind(pattern, venueID, from, to, after?.0, after?.1, limit).map(EventEntry.init)
    }

    /// A customer's bookings across venues, newest first; `before` is the (createdAt, id) of the last one seen.
    public func bookings(customerID: String, before: (Int, String)?, limit: Int) throws -> [BookingEntry] {
        try database.connection.prepare(
            """
            SELECT booking_id, venue_id, created_at FROM booking_index
            WHERE customer_id = ?1 AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND booking_id < ?3))
            ORDER BY created_at DESC, booking_id DESC LIMIT ?4
            """
        ).bind(customerID, before?.0, before?.1, limit).map(BookingEntry.init)
    }

    /// Venue ids in order, after `after`.
    public func venueIDs(after: String?, ownerID: String? = nil, limit: Int) throws -> [String] {
        try database.connection.prepare(
            """
            SELECT venue_id FROM venue_index WHERE (?1 IS NULL OR venue_id > ?1) AND (?2 IS NULL OR owner_id = ?2)
            ORDER BY venue_id LIMIT ?3
            """
        ).bind(after, ownerID, limit).map { $0.string(0) }
    }

    public func venueCount(ownerID: String) throws -> Int {
        try database.connection.prepare("SELECT count(*) FROM venue_index WHERE owner_id = ?").bind(ownerID).queryInt() ?? 0
    }

    /// Drops everything and re-reads every venue file.
    public func rebuild(from directory: VenueDirectory) throws {
        try database.write { connection in
            try connection.execute("DELETE FROM event_index; DELETE FROM booking_index; DELETE FROM venue_index; DELETE FROM venue_mark;")
        }
        for id in try directory.allIDs() {
            guard let store = try directory.store(id) else { continue }
            try sync(id, store: store)
        }
    }
}

extension VenueStore {
    public struct OutboxRow: Sendable {
        public let id: Int
        public let kind: OutboxKind
        public let eventID: String?
        public let bookingID: String?
        public let customerID: String?
        public let payload: String
        public let createdAt: Int
    }

    /// Outbox rows with an id above `after`, oldest first.
    public func outbox(after: Int, limit: Int) throws -> [OutboxRow] {
        try connection.prepare("SELECT id, kind, event_id, booking_id, customer_id, payload, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?")
            .bind(after, limit).map(OutboxRow.init)
    }
}

extension VenueStore.OutboxRow {
    /// Columns: id, kind, event_id, booking_id, customer_id, payload, created_at.
    init(row: Row) throws {
        self.init(
            id: row.int(0), kind: try row.value(1), eventID: row.optionalString(2), bookingID: row.optionalString(3),
            customerID: row.optionalString(4), payload: row.string(5), createdAt: row.int(6))
    }
}

extension CatalogStore.EventEntry {
    /// Columns: event_id, venue_id, title, starts_at, status, min_price, currency, available.
    init(row: Row) throws {
        self.init(
            eventID: row.string(0), venueID: row.string(1), title: row.string(2), startsAt: row.int(3),
            status: try row.value(4), minPrice: row.int(5), currency: row.string(6), available: row.optionalInt(7))
    }
}

extension CatalogStore.BookingEntry {
    /// Columns: booking_id, venue_id, created_at.
    init(row: Row) {
        self.init(bookingID: row.string(0), venueID: row.string(1), createdAt: row.int(2))
    }
}
