import Testing
@testable import Auth

@Suite("Session and CSRF tokens")
struct SessionTokenTests {
    @Test func tokensAre256RandomBitsInBase64URL() {
        let tokens = (0..<100).map { _ in SessionToken.generate() }
        #expect(Set(tokens).count == 100)
        #expect(tokens.allSatisfy { $0.count == 43 && SessionToken.isWellFormed($0) })
    }

    @Test func onlyAHashIsStoredAndItIsStable() {
        let token = SessionToken.generate()
        let hash = SessionToken.storageHash(of: token)
        #expect(hash.count == 64)
        #expect(hash == SessionToken.storageHash(of: token))
        #expect(!hash.contains(token))
    }

    @Test func csrfTokenIsDerivedButDifferent() {
        let token = SessionToken.generate()
        #expect(SessionToken.csrfToken(for: token) == SessionToken.csrfToken(for: token))
        #expect(SessionToken.csrfToken(for: token) != token)
        #expect(SessionToken.csrfToken(for: token) != SessionToken.csrfToken(for: SessionToken.generate()))
    }

    @Test(arguments: ["", "short", String(repeating: "a", count: 42) + "!", String(repeating: "a", count: 44)])
    func malformedTokensAreRejected(token: String) {
        #expect(!SessionToken.isWellFormed(token))
    }

    @Test func constantTimeComparison() {
        #expect(SessionToken.constantTimeEquals("abc", "abc"))
        #expect(!SessionToken.constantTimeEquals("abc", "abd"))
        #expect(!SessionToken.constantTimeEquals("abc", "abcd"))
    }
}
