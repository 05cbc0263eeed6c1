internal import SQLite

extension AuthStore {
    /// Records that venue `id` exists (again: nothing changes); the notifier registers each
    /// venue it finds, new ones within a round.
    public func registerVenues(_ ids: [String], now: Int) throws {
        guard !ids.isEmpty else { return }
        try database.write { connection in
            for id in ids {
                try connection.prepare("INSERT OR IGNORE INTO venue_registry (venue_id, created_at) VALUES (?, ?)").bind(id, now).run()
            }
        }
    }

    /// Every registered venue, by id.
    public func registeredVenueIDs() throws -> [String] {
        try database.connection.prepare("SELECT venue_id FROM venue_registry ORDER BY venue_id").map { $0.string(0) }
    }
}
