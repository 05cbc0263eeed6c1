/// Why an account operation was refused. Closed on purpose: the HTTP layer maps every case
/// in one exhaustive switch (weak password and bad email are 422, a taken email 409, busy 503).
public enum AuthError: Error, Equatable, Sendable {
    /// The password breaks `PasswordPolicy`; the text says which rule.
    case weakPassword(String)
    /// The email address is not one `EmailAddress` accepts; the text says why.
    case invalidEmail(String)
    /// libargon2 refused to hash (bad parameters or out of memory).
    case hashingFailed
    /// Every hashing slot of the pool stayed busy; the caller should retry shortly.
    case busy
    /// An account with this (normalised) email address exists.
    case emailTaken

    /// A sentence fit to show to the person signing in.
    public var message: String {
        switch self {
        case .weakPassword(let reason), .invalidEmail(let reason): reason
        case .hashingFailed: "the password could not be hashed"
        case .busy: "too many sign-ins at once, retry shortly"
        case .emailTaken: "an account with this email exists"
        }
    }
}

extension AuthError: CustomStringConvertible {
    public var description: String { message }
}
