import Auth
internal import SQLite

/// A signed-in session as its user may see it (never its token or hash).
public struct SessionRecord: Sendable, Equatable {
    public let createdAt: Int
    public let expiresAt: Int
    /// Whether this is the session that asked.
    public let isCurrent: Bool
}

extension AuthStore {
    /// The live sessions of a user, oldest first; `currentTokenHash` marks the caller's own.
    public func sessions(ofUser userID: String, now: Int, currentTokenHash: String?) throws -> [SessionRecord] {
        try database.connection.prepare(
            "SELECT token_hash, created_at, expires_at FROM session WHERE user_id = ? AND expires_at > ? ORDER BY created_at"
        ).bind(userID, now).map { row in
            SessionRecord(createdAt: row.int(1), expiresAt: row.int(2), isCurrent: row.string(0) == currentTokenHash)
        }
    }

    /// Deletes an account and everything the auth database keeps about it: its sessions end,
    /// its reset links stop working, its queued account email goes, and its counters go.
    /// Nothing here is kept under the id, so email to it stops (the notifier finds no user)
    /// and what venues keep under it is anonymous.
    public func deleteUser(id: String) throws {
        try database.write { connection in
            guard let email = try connection.prepare("SELECT email FROM user WHERE id = ?").bind(id).first({ $0.string(0) }) else { return }
            try connection.prepare("DELETE FROM session WHERE user_id = ?").bind(id).run()
            try connection.prepare("DELETE FROM login_failure WHERE key = ?").bind("email:" + email).run()
            try connection.prepare("DELETE FROM reset_request WHERE key = ?").bind("email:" + email).run()
            try connection.prepare("DELETE FROM password_reset WHERE user_id = ?").bind(id).run()
            try connection.prepare("DELETE FROM account_mail WHERE user_id = ?").bind(id).run()
            try connection.prepare("DELETE FROM user WHERE id = ?").bind(id).run()
        }
    }
}
