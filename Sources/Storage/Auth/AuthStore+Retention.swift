internal import SQLite

extension AuthStore {
    /// How long a login-failure counter is kept after its last failure: far longer than the
    /// throttle's window, which is all that reads it.
    public static let loginFailureRetention = 86400

    /// Forgets the sessions past their expiry and the login-failure counters untouched for
    /// `loginFailureRetention`; answers how many rows went. The notifier runs it hourly.
    public func pruneExpired(now: Int) throws -> Int {
        try database.write { connection in
            try connection.prepare("DELETE FROM session WHERE expires_at <= ?").bind(now).run()
            var removed = connection.changes
            try connection.prepare("DELETE FROM login_failure WHERE last_failure < ?").bind(now - Self.loginFailureRetention).run()
            removed += connection.changes
            return removed
        }
    }
}
