import Auth
import FoundationEssentials
public import SQLite

/// The auth database (`auth.sqlite`): accounts, sessions (stored only as token hashes), the
/// failed-login and reset-request counters that every worker shares, password-reset links
/// (hashes too) and the queue of email about accounts.
public final class AuthStore {
    let database: Database

    public init(path: String, synchronous: SynchronousMode) throws {
        database = try Database(path: path, create: true, synchronous: synchronous)
        try AuthSchema.migrations.apply(to: database)
    }

    // MARK: Users

    /// Creates a user; `AuthError.emailTaken` when the (normalised) email exists.
    public func createUser(id: String, email: String, name: String, role: Role, passwordHash: String, now: Int) throws -> UserRecord {
        do {
            try database.write { connection in
                try connection.prepare("INSERT INTO user (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(id, email, name, role, passwordHash, now).run()
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw AuthError.emailTaken
        }
        return UserRecord(id: id, email: email, name: name, role: role, passwordHash: passwordHash, createdAt: now)
    }

    public func user(email: String) throws -> UserRecord? {
        try database.connection.prepare("SELECT \(Self.userColumns) FROM user WHERE email = ?").bind(email).first(UserRecord.init)
    }

    public func user(id: String) throws -> UserRecord? {
        try database.connection.prepare("SELECT \(Self.userColumns) FROM user WHERE id = ?").bind(id).first(UserRecord.init)
    }

    public func updatePasswordHash(userID: String, hash: String) throws {
        try database.write { try $0.prepare("UPDATE user SET password_hash = ? WHERE id = ?").bind(hash, userID).run() }
    }

    public func setRole(userID: String, role: Role) throws {
        try database.write { try $0.prepare("UPDATE user SET role = ? WHERE id = ?").bind(role, userID).run() }
    }

    // MARK: Sessions

    public func createSession(tokenHash: String, userID: String, now: Int, expiresAt: Int) throws {
        try database.write { connection in
            try connection.prepare("INSERT INTO session (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
                .bind(tokenHash, userID, now, expiresAt).run()
            // Opportunistic cleanup keeps the table small without a separate job.
            try connection.prepare("DELETE FROM session WHERE expires_at <= ?").bind(now).run()
        }
    }

    /// The user of a live session, or nil for an unknown, revoked or expired token.
    public func sessionUser(tokenHash: String, now: Int) throws -> UserRecord? {
        try database.connection.prepare(
            """
            SELECT \(Self.userColumns("u.")) FROM session s JOIN user u ON u.id = s.user_id
            WHERE s.token_hash = ? AND s.expires_at > ?
            """
        ).bind(tokenHash, now).first(UserRecord.init)
    }

    public func deleteSession(tokenHash: String) throws {
        try database.write { try $0.prepare("DELETE FROM session WHERE token_hash = ?").bind(tokenHash).run() }
    }

    // MARK: Failed-login counters

    /// The failures recorded for `key` and when the last one happened (seconds).
    public func loginFailures(key: String) throws -> (count: Int, last: Int)? {
        try database.connection.prepare("SELECT failures, last_failure FROM login_failure WHERE key = ?").bind(key)
            .first { ($0.int(0), $0.int(1)) }
    }

    /// Counts a failure for each key; counters older than `window` seconds start again.
    public func recordLoginFailure(keys: [String], now: Int, window: Int) throws {
        try database.write { connection in
            for key in keys {
                try connection.prepare(
                    """
                    INSERT INTO login_failure (key, failures, last_failure) VALUES (?, 1, ?)
                    ON CONFLICT (key) DO UPDATE SET
                        failures = CASE WHEN last_failure <= ? THEN 1 ELSE failures + 1 END,
                        last_failure = excluded.last_failure
                    """
                ).bind(key, now, now - window).run()
            }
        }
    }

    public func clearLoginFailures(key: String) throws {
        try database.write { try $0.prepare("DELETE FROM login_failure WHERE key = ?").bind(key).run() }
    }

    // MARK: Mapping

    static func userColumns(_ prefix: String) -> String {
        ["id", "email", "name", "role", "password_hash", "created_at"].map { prefix + $0 }.joined(separator: ", ")
    }
    static let userColumns = userColumns("")

    /// A user read in the caller's transaction.
    static func user(_ connection: Connection, id: String) throws -> UserRecord? {
        try connection.prepare("SELECT \(userColumns) FROM user WHERE id = ?").bind(id).first(UserRecord.init)
    }
}
