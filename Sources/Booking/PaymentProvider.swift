import Glibc
import Storage

/// A payment provider as the checkout needs it, called outside any write transaction. It is
/// idempotent per payment id, as real providers are with their idempotency keys: a repeated
/// charge of a payment id moves no money and answers the first outcome, so a request taken
/// over after a crash asks again instead of guessing.
package protocol PaymentProvider {
    /// Charges each payment (at most once per payment id) and returns its first outcome, or
    /// the error that kept the provider from answering (nothing is known then).
    func charge(_ payments: [PaymentRequest]) -> [Result<PaymentOutcome, any Error>]
    /// What became of a payment id: nil when no charge with it ever reached the provider.
    func outcome(of paymentID: String) throws -> PaymentOutcome?
    /// Gives a charged payment's money back; repeating it is harmless.
    func refund(paymentID: String, amount: Int, currency: String) throws
    /// Whether a charge answers at once and reaches nothing outside this host: bookings are
    /// then answered in batches, and a venue's write lock is held across the charge.
    var isInstant: Bool { get }
}

/// A charge to make: the payment's id (the provider's idempotency key), the amount in minor
/// units and the customer's payment token.
package struct PaymentRequest: Sendable {
    package let paymentID: String
    package let amount: Int
    package let currency: String
    package let token: String?

    package init(paymentID: String, amount: Int, currency: String, token: String?) {
        self.paymentID = paymentID
        self.amount = amount
        self.currency = currency
        self.token = token
    }
}

/// What the provider did with a payment id.
package typealias PaymentOutcome = SimulatedPaymentLedger.Outcome

/// The built-in simulated provider (API.md): declines `tok_decline`, accepts anything else,
/// and can decline at random and add latency for demos and load tests. It keeps its books in
/// a ledger of its own, as a real provider would on its side, opened on first use (a command
/// that never pays creates no file).
package final class SimulatedPaymentProvider: PaymentProvider {
    package let ledgerPath: String
    package let declineRate: Double
    package let latencyMilliseconds: Int
    /// The clock, in Unix seconds.
    package let now: () -> Int
    package var isInstant: Bool { latencyMilliseconds == 0 }
    private var openedLedger: SimulatedPaymentLedger?

    package init(ledgerPath: String, declineRate: Double, latencyMilliseconds: Int, now: @escaping () -> Int) {
        self.ledgerPath = ledgerPath
        self.declineRate = declineRate
        self.latencyMilliseconds = latencyMilliseconds
        self.now = now
    }

    /// The provider's books.
    package func ledger() throws -> SimulatedPaymentLedger {
        if let openedLedger { return openedLedger }
        let ledger = try SimulatedPaymentLedger(path: ledgerPath)
        openedLedger = ledger
        return ledger
    }

    package func charge(_ payments: [PaymentRequest]) -> [Result<PaymentOutcome, any Error>] {
        if latencyMilliseconds > 0 { usleep(UInt32(latencyMilliseconds) * 1000) }  // one round trip for the batch
        let charges = payments.map { payment in
            SimulatedPaymentLedger.Charge(paymentID: payment.paymentID, amount: payment.amount, currency: payment.currency, decision: decide(payment))
        }
        do {
            return try ledger().charge(charges, now: now()).map { .success($0) }
        } catch {
            return payments.map { _ in .failure(error) }
        }
    }

    package func outcome(of paymentID: String) throws -> PaymentOutcome? {
        try ledger().outcome(of: paymentID)
    }

    package func refund(paymentID: String, amount: Int, currency: String) throws {
        if latencyMilliseconds > 0 { usleep(UInt32(latencyMilliseconds) * 1000) }
        try ledger().refund(paymentID: paymentID, now: now())
    }

    /// What a first charge of `payment` does.
    private func decide(_ payment: PaymentRequest) -> PaymentOutcome {
        if payment.token == "tok_decline" { return .declined(reason: "the card was declined") }
        if declineRate > 0 && Double.random(in: 0..<1) < declineRate { return .declined(reason: "the card was declined (simulated)") }
        return .charged(reference: "sim_" + payment.paymentID)
    }
}
