import Testing

@testable import Auth

@Suite("Password policy")
struct PasswordPolicyTests {
    @Test(arguments: [
        "ten chars!", "correct horse battery staple", String(repeating: "x", count: 256),
        "ünïcødé!!!", "🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑", "          ",
    ])
    func acceptable(password: String) throws {
        try PasswordPolicy.validate(password)
    }

    @Test(arguments: [
        "", "short pwd", "123456789", String(repeating: "x", count: 257),
        "with a NUL\u{0} inside", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
        // Nine characters although many more bytes: people count characters.
        "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦",
        "a" + String(repeating: "\u{301}", count: 5000) + "bcdefghij",
    ])
    func refused(password: String) {
        #expect(throws: AuthError.self) { try PasswordPolicy.validate(password) }
    }

    @Test func theErrorSaysWhichRule() {
        #expect(throws: AuthError.weakPassword("a password has at least 10 characters")) { try PasswordPolicy.validate("short") }
        #expect(throws: AuthError.weakPassword("a password has at most 256 characters")) {
            try PasswordPolicy.validate(String(repeating: "y", count: 300))
        }
    }
}
