import Auth
internal import SQLite

/// A user row. The password hash never leaves Storage and the login check.
public struct UserRecord: Sendable, Equatable {
    public let id: String
    public let email: String
    public let name: String
    public let role: Role
    public let passwordHash: String
    public let createdAt: Int
}

extension UserRecord {
    /// Columns: id, email, name, role, password_hash, created_at.
    init(row: Row) throws {
        self.init(
            id: row.string(0), email: row.string(1), name: row.string(2), role: try row.value(3),
            passwordHash: row.string(4), createdAt: row.int(5))
    }
}
