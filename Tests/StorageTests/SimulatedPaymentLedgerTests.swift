import TestSupport
import Testing

@testable import Storage

@Suite("The simulated provider's books")
struct SimulatedPaymentLedgerTests {
    let directory = TemporaryDirectory()

    func charge(_ id: String, _ decision: SimulatedPaymentLedger.Outcome) -> SimulatedPaymentLedger.Charge {
        SimulatedPaymentLedger.Charge(paymentID: id, amount: 4500, currency: "EUR", decision: decision)
    }

    @Test func aPaymentIDIsChargedOnceAndEveryRepeatHearsTheFirstOutcome() throws {
        let ledger = try SimulatedPaymentLedger(path: directory.file("payments.sqlite"))
        let first = try ledger.charge([charge("p_1", .charged(reference: "sim_p_1")), charge("p_2", .declined(reason: "no"))], now: 1)
        #expect(first == [.charged(reference: "sim_p_1"), .declined(reason: "no")])
        // A repeat decided otherwise (a random decline, another token): the books win.
        let repeated = try ledger.charge([charge("p_1", .declined(reason: "later")), charge("p_2", .charged(reference: "sim_p_2"))], now: 2)
        #expect(repeated == first)
        #expect(try ledger.entries().map(\.attempts) == [2, 2])
    }

    @Test func aRefundGivesBackOnlyWhatWasCharged() throws {
        let ledger = try SimulatedPaymentLedger(path: directory.file("payments.sqlite"))
        _ = try ledger.charge([charge("p_1", .charged(reference: "sim_p_1")), charge("p_2", .declined(reason: "no"))], now: 1)
        try ledger.refund(paymentID: "p_1", now: 2)
        try ledger.refund(paymentID: "p_1", now: 3)  // repeated safely
        try ledger.refund(paymentID: "p_2", now: 3)
        try ledger.refund(paymentID: "p_unknown", now: 3)
        #expect(try ledger.outcome(of: "p_1") == .refunded)
        #expect(try ledger.outcome(of: "p_2") == .declined(reason: "no"))
        #expect(try ledger.outcome(of: "p_unknown") == nil)
        #expect(try ledger.charge([charge("p_1", .charged(reference: "sim_p_1"))], now: 4) == [.refunded], "refunded money is not taken again")
    }

    @Test func theBooksOutliveTheProcessThatWroteThem() throws {
        let path = directory.file("payments.sqlite")
        _ = try SimulatedPaymentLedger(path: path).charge([charge("p_1", .charged(reference: "sim_p_1"))], now: 1)
        #expect(try SimulatedPaymentLedger(path: path).outcome(of: "p_1") == .charged(reference: "sim_p_1"))
    }
}
