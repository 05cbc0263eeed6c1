/// A user row. The password hash never leaves Storage and the login check.
public struct UserRecord: Sendable, Equatable {
    public let id: String
    public let email: String
    public let name: String
    public let role: String
    public let passwordHash: String
    public let createdAt: Int
}
