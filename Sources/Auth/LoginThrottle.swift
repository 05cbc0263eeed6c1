import FoundationEssentials

/// When a login attempt may be made, given recent failures. Policy only: the counters live
/// in the auth database (shared by all workers), which also decides the window over which
/// failures count and resets them on success.
///
/// After `freeFailures` failures, each further attempt must wait 1 s, 2 s, 4 s … (capped at
/// 15 minutes) counted from the last failure. There is never an outright lock-out, which
/// anyone could trigger against someone else's account.
public struct LoginThrottle: Sendable, Equatable {
    /// One schedule of back-off.
    public struct Policy: Sendable, Equatable {
        /// Failures allowed before any waiting is imposed.
        public var freeFailures: Int
        /// The wait after the `freeFailures`-th failure; it doubles with each further one.
        public var initialDelay: Duration
        /// The wait never grows beyond this.
        public var maximumDelay: Duration

        public init(freeFailures: Int, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(15 * 60)) {
            self.freeFailures = freeFailures
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
        }

        /// How long after the last of `n` failures the next attempt must wait; nil when no
        /// wait is imposed.
        public func delay(afterFailures n: Int) -> Duration? {
            guard n >= freeFailures, n > 0 else { return nil }
            // 2^30 s is far beyond any sane cap, and keeps the multiplication from overflowing.
            let doublings = min(n - freeFailures, 30)
            return min(initialDelay * (1 << doublings), maximumDelay)
        }

        /// Whole seconds (rounded up) to wait before the next attempt, or nil when an attempt
        /// is allowed now.
        public func retryAfter(failures: Int, lastFailure: Date, now: Date) -> Int? {
            guard let delay = delay(afterFailures: failures) else { return nil }
            // A clock that went backwards never makes the wait longer than the delay itself.
            let elapsed = max(0, now.timeIntervalSince(lastFailure))
            let remaining = Self.seconds(delay) - elapsed
            return remaining > 0 ? Int(remaining.rounded(.up)) : nil
        }

        /// The same in Unix seconds, as the auth database stores them.
        public func retryAfter(failures: Int, lastFailure: Int, now: Int) -> Int? {
            retryAfter(
                failures: failures, lastFailure: Date(timeIntervalSince1970: TimeInterval(lastFailure)),
                now: Date(timeIntervalSince1970: TimeInterval(now)))
        }

        private static func seconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
    }

    /// Failures of one account (keyed by email), from any address.
    public var perAccount: Policy
    /// Failures from one client address, for any account. Higher: many people may share one
    /// address (offices, mobile carriers), yet it still slows down spraying many accounts.
    public var perAddress: Policy

    public init(perAccount: Policy = Policy(freeFailures: 5), perAddress: Policy = Policy(freeFailures: 20)) {
        self.perAccount = perAccount
        self.perAddress = perAddress
    }
}
