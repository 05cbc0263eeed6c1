import Auth
import TestSupport
import Testing

@testable import Storage

@Suite("Password reset links, signed-in changes and the email about accounts")
struct PasswordResetStoreTests {
    let directory = TemporaryDirectory()
    let auth: AuthStore
    let policy = PasswordResetPolicy(tokenLifetime: 1800, window: 3600, perAddress: 3, perClient: 5)

    init() throws {
        auth = try AuthStore(path: directory.file("auth.sqlite"), synchronous: .full)
        _ = try auth.createUser(id: "u_ann", email: "ann@example.com", name: "Ann", role: .customer, passwordHash: "old", now: 0)
    }

    @Test func aKnownAddressQueuesOneResetEmailAndAnUnknownOneNone() throws {
        #expect(try auth.requestPasswordReset(email: "ann@example.com", client: "1.1.1.1", now: 100, policy: policy) == .accepted)
        #expect(try auth.requestPasswordReset(email: "nobody@example.com", client: "1.1.1.1", now: 100, policy: policy) == .accepted)
        let mail = try auth.pendingAccountMail(now: 100, limit: 10)
        #expect(mail.map(\.kind) == [.passwordReset] && mail.map(\.userID) == ["u_ann"] && mail.map(\.toAddress) == ["ann@example.com"])
    }

    @Test func eachAddressAndEachClientIsLimitedPerWindowKnownOrNot() throws {
        for email in ["ann@example.com", "nobody@example.com"] {
            for _ in 0..<3 { #expect(try auth.requestPasswordReset(email: email, client: "c-\(email)", now: 100, policy: policy) == .accepted) }
            #expect(try auth.requestPasswordReset(email: email, client: "other", now: 1000, policy: policy) == .limited(retryAfter: 2700))
            #expect(try auth.requestPasswordReset(email: email, client: "other", now: 3700, policy: policy) == .accepted, "a new window")
        }
        for i in 0..<3 { #expect(try auth.requestPasswordReset(email: "x\(i)@example.com", client: "other", now: 3700, policy: policy) == .accepted) }
        #expect(try auth.requestPasswordReset(email: "y@example.com", client: "other", now: 3800, policy: policy) == .limited(retryAfter: 3500))
        #expect(try auth.pendingAccountMail(now: 5000, limit: 10).count == 4, "three for Ann, one after her window began again")
    }

    @Test func aTokenWorksOnceBeforeItExpiresAndEndsEverySession() throws {
        try auth.createSession(tokenHash: "s1", userID: "u_ann", now: 0, expiresAt: 10_000)
        try auth.createSession(tokenHash: "s2", userID: "u_ann", now: 0, expiresAt: 10_000)
        try auth.issueResetToken(tokenHash: "r1", userID: "u_ann", expiresAt: 1900)
        try auth.issueResetToken(tokenHash: "r2", userID: "u_ann", expiresAt: 1900)
        try auth.recordLoginFailure(keys: ["email:ann@example.com"], now: 50, window: 900)

        #expect(try auth.resetTokenUser(tokenHash: "r1", now: 1900) == nil, "expired at its 30 minutes")
        #expect(try auth.resetPassword(tokenHash: "r1", passwordHash: "new", now: 1900) == nil)
        #expect(try auth.resetTokenUser(tokenHash: "r1", now: 1899)?.id == "u_ann")
        let user = try auth.resetPassword(tokenHash: "r1", passwordHash: "new", now: 1000)
        #expect(user?.passwordHash == "new")
        #expect(try auth.resetPassword(tokenHash: "r1", passwordHash: "again", now: 1001) == nil, "used")
        #expect(try auth.resetPassword(tokenHash: "r2", passwordHash: "again", now: 1001) == nil, "the other link ends too")
        #expect(try auth.sessionUser(tokenHash: "s1", now: 1001) == nil && auth.sessionUser(tokenHash: "s2", now: 1001) == nil)
        #expect(try auth.loginFailures(key: "email:ann@example.com") == nil)
        #expect(try auth.user(id: "u_ann")?.passwordHash == "new")
        #expect(try auth.pendingAccountMail(now: 1001, limit: 10).map(\.kind) == [.passwordChanged])
    }

    @Test func aSignedInPasswordChangeKeepsOnlyTheCallersSession() throws {
        try auth.createSession(tokenHash: "mine", userID: "u_ann", now: 0, expiresAt: 10_000)
        try auth.createSession(tokenHash: "other", userID: "u_ann", now: 0, expiresAt: 10_000)
        try auth.issueResetToken(tokenHash: "r1", userID: "u_ann", expiresAt: 1900)
        try auth.changePassword(userID: "u_ann", hash: "new", keepingSession: "mine", now: 10)
        #expect(try auth.sessionUser(tokenHash: "mine", now: 11)?.passwordHash == "new")
        #expect(try auth.sessionUser(tokenHash: "other", now: 11) == nil)
        #expect(try auth.resetTokenUser(tokenHash: "r1", now: 11) == nil)
        #expect(try auth.pendingAccountMail(now: 11, limit: 10).map(\.toAddress) == ["ann@example.com"])
    }

    @Test func anEmailChangeTellsTheOldAddressAndATakenOneIsRefused() throws {
        _ = try auth.createUser(id: "u_bob", email: "bob@example.com", name: "Bob", role: .customer, passwordHash: "h", now: 0)
        #expect(throws: AuthError.emailTaken) { try auth.changeEmail(userID: "u_ann", to: "bob@example.com", now: 5) }
        try auth.issueResetToken(tokenHash: "r1", userID: "u_ann", expiresAt: 1900)
        try auth.changeEmail(userID: "u_ann", to: "ann@new.example", now: 5)
        #expect(try auth.user(email: "ann@new.example")?.id == "u_ann" && auth.user(email: "ann@example.com") == nil)
        #expect(try auth.resetTokenUser(tokenHash: "r1", now: 6) == nil, "a link sent to the old address stops working")
        let mail = try auth.pendingAccountMail(now: 6, limit: 10)
        #expect(mail.map(\.kind) == [.emailChanged] && mail.map(\.toAddress) == ["ann@example.com"])
        #expect(mail.first?.payload == #"{"newEmail":"ann@new.example"}"#)
    }

    @Test func deliveriesAreRecordedAndRetriesWait() throws {
        _ = try auth.requestPasswordReset(email: "ann@example.com", client: "c", now: 100, policy: policy)
        let id = try #require(try auth.pendingAccountMail(now: 100, limit: 10).first?.id)
        try auth.recordAccountMail(id, status: .pending, error: "down", retryAt: 200)
        #expect(try auth.pendingAccountMail(now: 199, limit: 10).isEmpty)
        #expect(try auth.pendingAccountMail(now: 200, limit: 10).map(\.attempts) == [1])
        try auth.recordAccountMail(id, status: .delivered)
        #expect(try auth.pendingAccountMail(now: 10_000, limit: 10).isEmpty)
    }

    @Test func deletingTheUserTakesTheirLinksAndQueuedMail() throws {
        _ = try auth.requestPasswordReset(email: "ann@example.com", client: "c", now: 100, policy: policy)
        try auth.issueResetToken(tokenHash: "r1", userID: "u_ann", expiresAt: 1900)
        try auth.deleteUser(id: "u_ann")
        #expect(try auth.pendingAccountMail(now: 100, limit: 10).isEmpty)
        #expect(try auth.resetTokenUser(tokenHash: "r1", now: 100) == nil)
    }
}
