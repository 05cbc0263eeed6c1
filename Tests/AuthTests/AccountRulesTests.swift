import Foundation
import Testing
@testable import Auth

@Suite("Account rules")
struct AccountRulesTests {
    @Test(arguments: [
        ("Alice@Example.COM", "alice@example.com"),
        ("  bob.smith+tickets@mail.example.org ", "bob.smith+tickets@mail.example.org"),
    ])
    func emailsAreNormalised(raw: String, normalised: String) throws {
        #expect(try EmailAddress(raw).value == normalised)
    }

    @Test(arguments: ["", "plain", "a@b", "a@@b.com", "a b@c.com", "@example.com", "a@-x.com", "a@exa\nmple.com", "a\"b@c.com",
                      String(repeating: "a", count: 65) + "@example.com", "a@" + String(repeating: "b", count: 250) + ".com"])
    func invalidEmailsAreRefused(raw: String) {
        #expect(throws: AuthError.self) { try EmailAddress(raw) }
    }

    @Test func passwordsHaveATenCharacterMinimumAndASaneMaximum() throws {
        #expect(throws: AuthError.self) { try PasswordPolicy.validate("short pwd") }
        try PasswordPolicy.validate("ten chars!")
        #expect(throws: AuthError.self) { try PasswordPolicy.validate(String(repeating: "x", count: 257)) }
        #expect(throws: AuthError.self) { try PasswordPolicy.validate("with a NUL\u{0} inside") }
    }

    @Test func adminIsNeverSelfRegistrable() {
        #expect(Role.customer.isSelfRegistrable)
        #expect(Role.organizer.isSelfRegistrable)
        #expect(!Role.admin.isSelfRegistrable)
    }

    @Test func loginThrottleBacksOffWithoutLockingOut() {
        let policy = LoginThrottle().perAccount
        #expect(policy.retryAfter(failures: 4, lastFailure: 1000, now: 1000) == nil)
        #expect(policy.retryAfter(failures: 5, lastFailure: 1000, now: 1000) == 1)
        #expect(policy.retryAfter(failures: 7, lastFailure: 1000, now: 1000) == 4)
        #expect(policy.retryAfter(failures: 7, lastFailure: 1000, now: 1004) == nil, "an attempt is allowed once the delay passed")
        #expect(policy.retryAfter(failures: 500, lastFailure: 1000, now: 1000) == 900, "the delay is capped")
    }
}

@Suite("The hashing gate")
struct HashingGateTests {
    @Test func boundsConcurrentHashingAcrossGates() throws {
        let directory = NSTemporaryDirectory() + "gate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Two gates on the same files behave like two worker processes.
        let first = try HashingGate(directory: directory, slots: 1, timeout: 0.2)
        let second = try HashingGate(directory: directory, slots: 1, timeout: 0.2)
        try first.withSlot {
            #expect(throws: AuthError.busy) { try second.withSlot { } }
        }
        #expect(try second.withSlot { 42 } == 42, "the slot is free again afterwards")
    }
}
