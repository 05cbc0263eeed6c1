/// The rules of password reset by email: how long a link works, and how many links may be
/// asked for. Policy only: the counters live in the auth database, shared by all workers.
public struct PasswordResetPolicy: Sendable, Equatable {
    /// A link works this long after its email is sent (seconds).
    public var tokenLifetime: Int
    /// Requests are counted over windows of this many seconds.
    public var window: Int
    /// Requests per address and window: enough for an email that went astray, too few to
    /// flood someone's inbox. Counted for unknown addresses too, so a refusal tells nothing.
    public var perAddress: Int
    /// Requests per client address and window, for any addresses; higher, as many people may
    /// share one address (offices, mobile carriers).
    public var perClient: Int

    public init(tokenLifetime: Int = 30 * 60, window: Int = 3600, perAddress: Int = 5, perClient: Int = 30) {
        self.tokenLifetime = tokenLifetime
        self.window = window
        self.perAddress = perAddress
        self.perClient = perClient
    }
}
