import FoundationEssentials
internal import SQLite

/// How an organizer reaches a customer: the name and address of their account.
public struct Contact: Sendable, Equatable {
    public let name: String
    public let email: String
}

extension AuthStore {
    /// The contacts of the accounts among `userIDs` that still exist (an erased account has
    /// none), by id, in one statement: the ids go in as one bound JSON array.
    public func contacts(of userIDs: Set<String>) throws -> [String: Contact] {
        guard !userIDs.isEmpty else { return [:] }
        let ids = String(decoding: try JSONEncoder().encode(userIDs.sorted()), as: UTF8.self)
        let rows = try database.connection.prepare("SELECT id, name, email FROM user WHERE id IN (SELECT value FROM json_each(?))")
            .bind(ids).map { ($0.string(0), Contact(name: $0.string(1), email: $0.string(2))) }
        return Dictionary(rows) { first, _ in first }
    }
}
