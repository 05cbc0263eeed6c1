/// Why an account operation was refused.
public enum AuthError: Error, Equatable, Sendable {
    case weakPassword(String)
    case invalidEmail(String)
    case hashingFailed
    /// Every hashing slot of the pool stayed busy; the caller should retry shortly.
    case busy

    public var message: String {
        switch self {
        case .weakPassword(let message), .invalidEmail(let message): message
        case .hashingFailed: "the password could not be hashed"
        case .busy: "too many sign-ins at once"
        }
    }
}
