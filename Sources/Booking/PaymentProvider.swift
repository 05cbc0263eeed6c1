import Glibc

/// A payment provider as the checkout needs it. Called outside any write transaction.
package protocol PaymentProvider {
    /// Charges `amount` minor units; returns the provider's reference or throws `PaymentDeclined`.
    func charge(amount: Int, currency: String, token: String?, reference: String) throws -> String
    func refund(providerReference: String?, paymentID: String, amount: Int, currency: String) throws
    /// Whether a charge answers at once and reaches nothing outside this process: bookings
    /// are then answered in batches, and a venue's write lock is held across the charge.
    var isInstant: Bool { get }
}

/// The provider refused the charge; no money moved.
package struct PaymentDeclined: Error, Equatable {
    package let reason: String
    package init(reason: String) { self.reason = reason }
}

/// The built-in simulated provider (API.md): declines `tok_decline`, accepts anything else,
/// and can decline at random and add latency for demos and load tests.
package struct SimulatedPaymentProvider: PaymentProvider {
    package let declineRate: Double
    package let latencyMilliseconds: Int
    package var isInstant: Bool { latencyMilliseconds == 0 }

    package init(declineRate: Double, latencyMilliseconds: Int) {
        self.declineRate = declineRate
        self.latencyMilliseconds = latencyMilliseconds
    }

    package func charge(amount: Int, currency: String, token: String?, reference: String) throws -> String {
        if latencyMilliseconds > 0 { usleep(UInt32(latencyMilliseconds) * 1000) }
        if token == "tok_decline" { throw PaymentDeclined(reason: "the card was declined") }
        if declineRate > 0 && Double.random(in: 0..<1) < declineRate { throw PaymentDeclined(reason: "the card was declined (simulated)") }
        return "sim_" + reference
    }

    package func refund(providerReference: String?, paymentID: String, amount: Int, currency: String) throws {
        if latencyMilliseconds > 0 { usleep(UInt32(latencyMilliseconds) * 1000) }
    }
}
