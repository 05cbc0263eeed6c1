/// Back-off after failed logins: after `freeFailures` failures, each attempt must wait
/// 1, 2, 4 … seconds (capped), counted from the last failure. Never an outright lock-out,
/// which anyone could trigger against a victim's account.
public struct LoginThrottle: Sendable {
    public struct Policy: Sendable {
        public let freeFailures: Int
        public let maximumDelay: Int

        /// Seconds to wait before the next attempt, or nil when one is allowed now.
        public func retryAfter(failures: Int, lastFailure: Int, now: Int) -> Int? {
            guard failures >= freeFailures else { return nil }
            let exponent = min(failures - freeFailures, 20)
            let delay = min(1 << exponent, maximumDelay)
            let wait = lastFailure + delay - now
            return wait > 0 ? wait : nil
        }
    }

    public var perAccount = Policy(freeFailures: 5, maximumDelay: 900)
    /// Higher: many people may share one address (offices, mobile carriers).
    public var perAddress = Policy(freeFailures: 20, maximumDelay: 900)

    public init() {}
}
