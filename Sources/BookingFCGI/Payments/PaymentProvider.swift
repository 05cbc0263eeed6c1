/// A payment provider as the booking flow needs it. Called outside any write transaction.
protocol PaymentProvider {
    /// Charges `amount` minor units; returns the provider's reference or throws `PaymentDeclined`.
    func charge(amount: Int, currency: String, token: String?, reference: String) throws -> String
    func refund(providerReference: String?, paymentID: String, amount: Int, currency: String) throws
    /// Whether a charge answers at once and reaches nothing outside this process: bookings
    /// are then answered in batches, and a venue's write lock is held across the charge.
    var isInstant: Bool { get }
}

struct PaymentDeclined: Error {
    let reason: String
}

/// The built-in simulated provider (API.md): declines `tok_decline`, accepts anything else,
/// and can decline at random and add latency for demos and load tests.
struct SimulatedPaymentProvider: PaymentProvider {
    let declineRate: Double
    let latencyMilliseconds: Int
    var isInstant: Bool { latencyMilliseconds == 0 }

    func charge(amount: Int, currency: String, token: String?, reference: String) throws -> String {
        if latencyMilliseconds > 0 { usleepMilliseconds(latencyMilliseconds) }
        if token == "tok_decline" { throw PaymentDeclined(reason: "the card was declined") }
        if declineRate > 0 && Double.random(in: 0..<1) < declineRate { throw PaymentDeclined(reason: "the card was declined (simulated)") }
        return "sim_" + reference
    }

    func refund(providerReference: String?, paymentID: String, amount: Int, currency: String) throws {
        if latencyMilliseconds > 0 { usleepMilliseconds(latencyMilliseconds) }
    }
}

import Glibc

private func usleepMilliseconds(_ ms: Int) { usleep(UInt32(ms) * 1000) }
