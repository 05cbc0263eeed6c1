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
        /// The venue's city, when it has one.
        public let city: String?
    }

    /// What the event list is narrowed by, all combined with AND; nil is no condition.
    public struct EventFilter: Sendable, Equatable {
        /// Words searched in the title, description, venue name and city (see `FullTextQuery`).
        public var text: String?
        public var venueID: String?
        /// The venue's city, compared without case.
        public var city: String?
        /// Start times in [from, to).
        public var from: Int?
        public var to: Int?
        /// Events with a price at or above `minPrice` and one at or below `maxPrice` (minor units).
        public var minPrice: Int?
        public var maxPrice: Int?
        /// Only scheduled events with places left; an event not yet counted passes, for the
        /// caller to ask its venue (`EventEntry.available` is nil).
        public var availableOnly: Bool

        public init(
            text: String? = nil, venueID: String? = nil, city: String? = nil, from: Int? = nil, to: Int? = nil, minPrice: Int? = nil,
            maxPrice: Int? = nil, availableOnly: Bool = false
        ) {
            self.text = text
            self.venueID = venueID
            self.city = city
            self.from = from
            self.to = to
            self.minPrice = minPrice
            self.maxPrice = maxPrice
            self.availableOnly = availableOnly
        }
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
        // 3: full-text search and the list's filters. event_search is a plain FTS5 table (it
        // keeps its own copy of the text) keyed by event_index.search_rowid: its text comes
        // from two tables (the event's and its venue's), and a plain table's row is replaced
        // by rowid alone, where an external-content or contentless one needs the old text
        // repeated exactly to delete it. The description is only stored there. What SQL cannot
        // fill in (descriptions, top prices, Unicode city keys) comes when each venue is read
        // whole again at its next sync: clearing the marks asks for that (see `sync`).
        """
        ALTER TABLE event_index ADD COLUMN max_price INTEGER NOT NULL DEFAULT 0;
        UPDATE event_index SET max_price = min_price;
        ALTER TABLE event_index ADD COLUMN search_rowid INTEGER;
        UPDATE event_index SET search_rowid = numbered.n
            FROM (SELECT event_id, row_number() OVER (ORDER BY event_id) AS n FROM event_index) AS numbered
            WHERE numbered.event_id = event_index.event_id;
        CREATE UNIQUE INDEX event_index_by_search_rowid ON event_index(search_rowid);
        ALTER TABLE venue_index ADD COLUMN city_key TEXT;
        UPDATE venue_index SET city_key = lower(city);
        CREATE INDEX venue_index_by_city ON venue_index(city_key);
        CREATE VIRTUAL TABLE event_search USING fts5(title, description, venue, city, tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO event_search (rowid, title, description, venue, city)
            SELECT e.search_rowid, e.title, '', coalesce(v.name, ''), coalesce(v.city, '')
            FROM event_index AS e LEFT JOIN venue_index AS v ON v.venue_id = e.venue_id;
        DELETE FROM venue_mark;
        """,
    ])

    public init(path: String) throws {
        database = try Database(path: path, create: true, synchronous: .normal)
        try database.connection.execute("PRAGMA synchronous = OFF")
        try Self.migrations.apply(to: database)
    }

    /// Applies the venue's outbox rows past the mark. Cheap when there is nothing new. A venue
    /// without a mark (new, rebuilt, or after an upgrade of the catalog) is first read whole,
    /// its venue row and every event, so events whose outbox rows were pruned are indexed too.
    public func sync(_ venueID: VenueID, store: VenueStore) throws {
        let mark = try database.connection.prepare("SELECT outbox_id FROM venue_mark WHERE venue_id = ?").bind(venueID.value).queryInt()
        let rows = try store.outbox(after: mark ?? 0, limit: 500)
        guard mark == nil || !rows.isEmpty else { return }
        try database.write { connection in
            if mark == nil {
                try index(venue: try store.venue(), in: connection)
                for event in try store.events() { try index(event: event, venueID: venueID, in: connection) }
            }
            for row in rows {
                switch row.kind {
                case .venueCreated:
                    try index(venue: try store.venue(), in: connection)
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
            .bind(venueID.value, rows.last?.id ?? mark ?? 0).run()
        }
        if rows.count == 500 { try sync(venueID, store: store) }
    }

    /// The venue's row, and its name and city in the search text of each of its events.
    private func index(venue: VenueRecord, in connection: Connection) throws {
        try connection.prepare(
            "INSERT OR REPLACE INTO venue_index (venue_id, name, city, city_key, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        )
        .bind(venue.id, venue.name, venue.city, venue.city.map(Self.cityKey), venue.ownerID, venue.createdAt).run()
        try connection.prepare(
            "UPDATE event_search SET venue = ?, city = ? WHERE rowid IN (SELECT search_rowid FROM event_index WHERE venue_id = ?)"
        )
        .bind(venue.name, venue.city ?? "", venue.id).run()
    }

    private func index(event: EventRecord, venueID: VenueID, in connection: Connection) throws {
        // The list shows what the public can buy: a hidden tier's price is the presale's secret
        // (an event of hidden tiers only shows them all).
        let publicPrices = event.prices.filter { !event.hiddenSections.contains($0.key) }
        let prices = (publicPrices.isEmpty ? event.prices : publicPrices).values
        // A new event takes the next search rowid; a known one keeps its own.
        try connection.prepare(
            """
            INSERT INTO event_index (event_id, venue_id, title, starts_at, status, min_price, max_price, currency, search_rowid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, coalesce((SELECT max(search_rowid) FROM event_index), 0) + 1)
            ON CONFLICT (event_id) DO UPDATE SET title = excluded.title, starts_at = excluded.starts_at, status = excluded.status,
                min_price = excluded.min_price, max_price = excluded.max_price, currency = excluded.currency
            """
        )
        .bind(
            event.id, venueID.value, event.title, event.startsAt, event.status, prices.min() ?? 0, prices.max() ?? 0, event.currency
        ).run()
        guard let rowid = try connection.prepare("SELECT search_rowid FROM event_index WHERE event_id = ?").bind(event.id).queryInt() else {
            return
        }
        try connection.prepare("DELETE FROM event_search WHERE rowid = ?").bind(rowid).run()
        try connection.prepare(
            """
            INSERT INTO event_search (rowid, title, description, venue, city)
            SELECT ?1, ?2, ?3, coalesce(name, ''), coalesce(city, '') FROM (SELECT 1) LEFT JOIN venue_index ON venue_id = ?4
            """
        )
        .bind(rowid, event.title, event.description, venueID.value).run()
    }

    /// How a city is compared: without case, by Unicode's rules (SQLite's `lower` and
    /// `NOCASE` fold ASCII only).
    static func cityKey(_ city: String) -> String { city.lowercased() }

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

    /// Events by start time that pass `filter`, in one statement; `after` is the
    /// (startsAt, id) of the last one seen.
    public func events(_ filter: EventFilter, after: (Int, String)?, limit: Int) throws -> [EventEntry] {
        let match = filter.text.map(FullTextQuery.expression)
        // Search text with no word that can match finds nothing.
        if case .some(.none) = match { return [] }
        return try database.connection.prepare(
            """
            SELECT e.event_id, e.venue_id, e.title, e.starts_at, e.status, e.min_price, e.currency, e.available, v.city
            FROM event_index AS e LEFT JOIN venue_index AS v ON v.venue_id = e.venue_id
            WHERE (?1 IS NULL OR e.search_rowid IN (SELECT rowid FROM event_search WHERE event_search MATCH ?1))
              AND (?2 IS NULL OR e.venue_id = ?2) AND (?3 IS NULL OR v.city_key = ?3)
              AND e.starts_at >= coalesce(?4, -9223372036854775808) AND (?5 IS NULL OR e.starts_at < ?5)
              AND (?6 IS NULL OR e.max_price >= ?6) AND (?7 IS NULL OR e.min_price <= ?7)
              AND (NOT ?8 OR (e.status = ?9 AND (e.available IS NULL OR e.available > 0)))
              AND (?10 IS NULL OR e.starts_at > ?10 OR (e.starts_at = ?10 AND e.event_id > ?11))
            ORDER BY e.starts_at, e.event_id LIMIT ?12
            """
        ).bind(
            match ?? nil, filter.venueID, filter.city.map(Self.cityKey), filter.from, filter.to, filter.minPrice, filter.maxPrice,
            filter.availableOnly, EventStatus.scheduled, after?.0, after?.1, limit
        ).map(EventEntry.init)
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
            try connection.execute(
                "DELETE FROM event_index; DELETE FROM event_search; DELETE FROM booking_index; DELETE FROM venue_index; DELETE FROM venue_mark;")
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
    /// Columns: event_id, venue_id, title, starts_at, status, min_price, currency, available, city.
    init(row: Row) throws {
        self.init(
            eventID: row.string(0), venueID: row.string(1), title: row.string(2), startsAt: row.int(3),
            status: try row.value(4), minPrice: row.int(5), currency: row.string(6), available: row.optionalInt(7),
            city: row.optionalString(8))
    }
}

extension CatalogStore.BookingEntry {
    /// Columns: booking_id, venue_id, created_at.
    init(row: Row) {
        self.init(bookingID: row.string(0), venueID: row.string(1), createdAt: row.int(2))
    }
}
