import Testing

@testable import Auth

@Suite("Email addresses")
struct EmailAddressTests {
    @Test(arguments: [
        ("Alice@Example.COM", "alice@example.com"),
        ("  bob.smith+tickets@mail.example.org \n", "bob.smith+tickets@mail.example.org"),
        ("x@a.io", "x@a.io"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("first_last-1{2}@sub-domain.example-1.co.uk", "first_last-1{2}@sub-domain.example-1.co.uk"),
        ("user@xn--bcher-kva.example", "user@xn--bcher-kva.example"),
        (String(repeating: "a", count: 64) + "@example.com", String(repeating: "a", count: 64) + "@example.com"),
    ])
    func acceptedAndNormalised(raw: String, normalised: String) throws {
        #expect(try EmailAddress(raw).value == normalised)
    }

    @Test(arguments: [
        "", "   ", "plain", "a@b", "a@@b.com", "a@b@c.com", "a b@c.com", "@example.com", "a@", "a@.com", "a@example.",
        "a@-x.com", "a@x-.com", "a@exa_mple.com", "a@exa mple.com", "a@exa\nmple.com", "a\u{7}b@c.com",
        "a\"b@c.com", "a(b)@c.com", "a,b@c.com", "a:b@c.com", "a;b@c.com", "a<b>@c.com", "a[b]@c.com", "a\\b@c.com",
        ".a@c.com", "a.@c.com", "a..b@c.com", "jösé@example.com", "a@bücher.example", "a@[127.0.0.1]",
        "a@example..com",
        String(repeating: "a", count: 65) + "@example.com",
        "a@" + String(repeating: "b", count: 64) + ".com",
        "a@" + String(repeating: "bbbbbbbbb.", count: 25) + "com",
        String(repeating: " ", count: 2000) + "a@example.com",
    ])
    func refused(raw: String) {
        #expect(throws: AuthError.self) { try EmailAddress(raw) }
    }

    @Test func theErrorIsAnInvalidEmail() {
        #expect(throws: AuthError.invalidEmail("an email address has exactly one @")) { try EmailAddress("nobody") }
    }

    @Test func equalAddressesAfterNormalisationAreEqual() throws {
        #expect(try EmailAddress("A@B.CO") == EmailAddress(" a@b.co"))
        #expect(Set([try EmailAddress("A@B.CO"), try EmailAddress("a@b.co")]).count == 1)
    }
}
