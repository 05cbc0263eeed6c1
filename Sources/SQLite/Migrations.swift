/// Ordered schema steps, applied once each and recorded in `PRAGMA user_version`.
public struct Migrations: Sendable {
    /// Step `i` upgrades a database from version `i` to `i + 1`.
    public let steps: [String]

    public init(_ steps: [String]) { self.steps = steps }

    /// Brings `database` up to date in one write transaction; a no-op when current.
    public func apply(to database: Database) throws {
        guard try database.connection.userVersion < steps.count else { return }
        try database.write { connection in
            let current = try connection.userVersion
            guard current <= steps.count else {
                throw SQLiteError(code: .error, message: "database schema \(current) is newer than this program (\(steps.count))", sql: nil)
            }
            for version in current..<steps.count {
                try connection.execute(steps[version])
            }
            // PRAGMA takes no bound parameters; the value is our own integer.
            try connection.execute("PRAGMA user_version = \(steps.count)")
        }
    }
}
