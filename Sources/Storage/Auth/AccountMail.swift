public import SQLite

/// What an email about the account itself says.
public enum AccountMailKind: String, Sendable, CaseIterable, SQLColumnValue {
    /// A link to choose a new password; its token is made when the email is sent.
    case passwordReset = "password_reset"
    /// The password was changed (signed in, or by a reset link).
    case passwordChanged = "password_changed"
    /// The email address was changed; sent to the old address, payload `newEmail`.
    case emailChanged = "email_changed"
}

/// One queued email about an account, as the notifier reads it.
public struct AccountMailRow: Sendable, Equatable {
    public let id: Int
    public let userID: String
    public let kind: AccountMailKind
    /// The address it goes to; a reset link goes to the account's current address instead.
    public let toAddress: String
    /// A JSON object of strings.
    public let payload: String
    public let attempts: Int
    public let createdAt: Int
}
