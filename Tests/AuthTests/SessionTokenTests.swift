import Testing

@testable import Auth

@Suite("Session and CSRF tokens")
struct SessionTokenTests {
    @Test func tokensAre256RandomBitsInBase64URL() {
        let tokens = (0..<1000).map { _ in SessionToken.generate() }
        #expect(Set(tokens).count == 1000)
        #expect(tokens.allSatisfy { $0.utf8.count == 43 && SessionToken.isWellFormed($0) })
        #expect(!tokens.contains { $0.contains("=") || $0.contains("+") || $0.contains("/") })
    }

    @Test func onlyAHashIsStoredAndItIsStable() {
        let token = SessionToken.generate()
        let hash = SessionToken.storageHash(of: token)
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(hash == SessionToken.storageHash(of: token))
        #expect(hash != SessionToken.storageHash(of: SessionToken.generate()))
    }

    @Test func storageHashIsPlainSHA256() {
        // SHA-256("abc"), FIPS 180-2 test vector.
        #expect(SessionToken.storageHash(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func csrfTokenIsDerivedButDifferent() {
        let token = SessionToken.generate()
        let csrf = SessionToken.csrfToken(for: token)
        #expect(csrf == SessionToken.csrfToken(for: token), "the server can recompute it")
        #expect(csrf.utf8.count == 43 && SessionToken.isWellFormed(csrf))
        #expect(csrf != token)
        #expect(csrf != SessionToken.storageHash(of: token))
        #expect(csrf != SessionToken.csrfToken(for: SessionToken.generate()))
    }

    @Test(arguments: [
        "", "short", String(repeating: "a", count: 42), String(repeating: "a", count: 42) + "!",
        String(repeating: "a", count: 42) + "=", String(repeating: "a", count: 42) + "/",
        String(repeating: "a", count: 44), String(repeating: "a", count: 41) + "é",
    ])
    func malformedTokensAreRejected(token: String) {
        #expect(!SessionToken.isWellFormed(token))
    }

    @Test func constantTimeComparison() {
        let token = SessionToken.generate()
        #expect(SessionToken.constantTimeEquals(token, token))
        #expect(SessionToken.constantTimeEquals("", ""))
        #expect(!SessionToken.constantTimeEquals("abc", "abd"))
        #expect(!SessionToken.constantTimeEquals("abc", "abcd"))
        #expect(!SessionToken.constantTimeEquals("", "a"))
    }
}
