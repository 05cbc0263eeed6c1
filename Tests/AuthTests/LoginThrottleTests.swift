import Foundation
import Testing

@testable import Auth

@Suite("Login throttle")
struct LoginThrottleTests {
    let throttle = LoginThrottle()

    @Test(arguments: [(0, nil), (4, nil), (5, 1), (6, 2), (7, 4), (8, 8), (14, 512), (15, 900), (1000, 900), (Int.max, 900)] as [(Int, Int?)])
    func perAccountSchedule(failures: Int, seconds: Int?) {
        #expect(throttle.perAccount.delay(afterFailures: failures) == seconds.map { .seconds($0) })
    }

    @Test func perAddressAllowsMoreFailures() {
        #expect(throttle.perAddress.delay(afterFailures: 19) == nil)
        #expect(throttle.perAddress.delay(afterFailures: 20) == .seconds(1))
        #expect(throttle.perAddress.delay(afterFailures: 22) == .seconds(4))
    }

    @Test func neverNegativeOrLockedOut() {
        #expect(throttle.perAccount.delay(afterFailures: -1) == nil)
        for n in 0..<200 { #expect((throttle.perAccount.delay(afterFailures: n) ?? .zero) <= .seconds(900)) }
    }

    @Test func retryAfterCountsFromTheLastFailure() {
        let policy = throttle.perAccount
        let last = Date(timeIntervalSince1970: 1_000_000)
        #expect(policy.retryAfter(failures: 4, lastFailure: last, now: last) == nil)
        #expect(policy.retryAfter(failures: 5, lastFailure: last, now: last) == 1)
        #expect(policy.retryAfter(failures: 7, lastFailure: last, now: last) == 4)
        #expect(policy.retryAfter(failures: 7, lastFailure: last, now: last + 2.5) == 2, "rounded up")
        #expect(policy.retryAfter(failures: 7, lastFailure: last, now: last + 4) == nil, "allowed once the delay passed")
        #expect(policy.retryAfter(failures: 500, lastFailure: last, now: last) == 900, "capped at 15 minutes")
        #expect(policy.retryAfter(failures: 7, lastFailure: last, now: last - 3600) == 4, "a clock that went back adds nothing")
    }

    @Test func retryAfterInUnixSeconds() {
        let policy = throttle.perAccount
        #expect(policy.retryAfter(failures: 6, lastFailure: 1000, now: 1000) == 2)
        #expect(policy.retryAfter(failures: 6, lastFailure: 1000, now: 1001) == 1)
        #expect(policy.retryAfter(failures: 6, lastFailure: 1000, now: 1002) == nil)
    }

    @Test func thresholdsAreConfigurable() {
        let custom = LoginThrottle(
            perAccount: .init(freeFailures: 3, initialDelay: .seconds(2), maximumDelay: .seconds(10)),
            perAddress: .init(freeFailures: 50))
        #expect(custom.perAccount.delay(afterFailures: 2) == nil)
        #expect(custom.perAccount.delay(afterFailures: 3) == .seconds(2))
        #expect(custom.perAccount.delay(afterFailures: 5) == .seconds(8))
        #expect(custom.perAccount.delay(afterFailures: 6) == .seconds(10))
        #expect(custom.perAddress.delay(afterFailures: 49) == nil)
    }
}
