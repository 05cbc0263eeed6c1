import Testing

@testable import Auth

@Suite("Auth errors")
struct AuthErrorTests {
    @Test func everyCaseHasAMessage() {
        let errors: [AuthError] = [.weakPassword("too short"), .invalidEmail("no @"), .hashingFailed, .busy]
        #expect(errors.allSatisfy { !$0.message.isEmpty && $0.description == $0.message })
        #expect(AuthError.weakPassword("too short").message == "too short")
    }
}
