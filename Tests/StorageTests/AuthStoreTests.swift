import Auth
import TestSupport
import Testing

@testable import Storage

@Suite("The auth database")
struct AuthStoreTests {
    let directory = TemporaryDirectory()

    func makeStore() throws -> AuthStore {
        try AuthStore(path: directory.file("auth.sqlite"), synchronous: .full)
    }

    @Test func anEmailIsTakenOnce() throws {
        let store = try makeStore()
        _ = try store.createUser(id: "u_1", email: "a@example.com", name: "A", role: .customer, passwordHash: "h", now: 0)
        #expect(throws: AuthError.emailTaken) {
            _ = try store.createUser(id: "u_2", email: "a@example.com", name: "B", role: .customer, passwordHash: "h", now: 0)
        }
    }

    @Test func aSessionWorksUntilItExpiresOrIsDeleted() throws {
        let store = try makeStore()
        _ = try store.createUser(id: "u_1", email: "a@example.com", name: "A", role: .customer, passwordHash: "h", now: 0)
        try store.createSession(tokenHash: "t1", userID: "u_1", now: 100, expiresAt: 200)
        #expect(try store.sessionUser(tokenHash: "t1", now: 199)?.id == "u_1")
        #expect(try store.sessionUser(tokenHash: "t1", now: 200) == nil, "an expired session is refused")
        #expect(try store.sessionUser(tokenHash: "unknown", now: 150) == nil)
        try store.createSession(tokenHash: "t2", userID: "u_1", now: 100, expiresAt: 500)
        try store.deleteSession(tokenHash: "t2")
        #expect(try store.sessionUser(tokenHash: "t2", now: 150) == nil, "a revoked session is refused")
    }

    @Test func expiredSessionsAreCleanedUpOnTheWay() throws {
        let store = try makeStore()
        _ = try store.createUser(id: "u_1", email: "a@example.com", name: "A", role: .customer, passwordHash: "h", now: 0)
        try store.createSession(tokenHash: "old", userID: "u_1", now: 0, expiresAt: 10)
        try store.createSession(tokenHash: "new", userID: "u_1", now: 20, expiresAt: 100)
        #expect(try store.database.connection.prepare("SELECT count(*) FROM session").queryInt() == 1)
    }

    @Test func theHourlyPruneForgetsExpiredSessionsAndStaleLoginFailures() throws {
        let store = try makeStore()
        _ = try store.createUser(id: "u_1", email: "a@example.com", name: "A", role: .customer, passwordHash: "h", now: 0)
        try store.createSession(tokenHash: "ends", userID: "u_1", now: 100, expiresAt: 200)
        try store.createSession(tokenHash: "lasts", userID: "u_1", now: 100, expiresAt: 90_000)
        try store.recordLoginFailure(keys: ["email:old"], now: 100, window: 900)
        try store.recordLoginFailure(keys: ["email:recent"], now: 80_000, window: 900)
        #expect(try store.pruneExpired(now: 86_600) == 2)
        #expect(try store.sessionUser(tokenHash: "lasts", now: 86_600)?.id == "u_1")
        #expect(try store.loginFailures(key: "email:old") == nil)
        #expect(try store.loginFailures(key: "email:recent")?.count == 1)
        #expect(try store.pruneExpired(now: 86_600) == 0)
    }

    @Test func theVenueRegistryNamesEachVenueOnce() throws {
        let store = try makeStore()
        try store.registerVenues(["opera", "arena"], now: 10)
        try store.registerVenues(["opera", "club"], now: 20)
        #expect(try store.registeredVenueIDs() == ["arena", "club", "opera"])
    }

    @Test func loginFailuresCountWithinTheWindowAndStartAgainAfterIt() throws {
        let store = try makeStore()
        try store.recordLoginFailure(keys: ["email:a", "ip:1"], now: 100, window: 60)
        try store.recordLoginFailure(keys: ["email:a"], now: 110, window: 60)
        #expect(try store.loginFailures(key: "email:a")?.count == 2)
        #expect(try store.loginFailures(key: "ip:1")?.count == 1)
        try store.recordLoginFailure(keys: ["email:a"], now: 200, window: 60)
        #expect(try store.loginFailures(key: "email:a")?.count == 1, "an old streak is forgotten")
        try store.clearLoginFailures(key: "email:a")
        #expect(try store.loginFailures(key: "email:a") == nil)
    }
}

@Suite("Contacts for an attendee list")
struct AuthStoreContactsTests {
    let directory = TemporaryDirectory()

    @Test func theContactsOfExistingAccountsComeInOneAnswerAndErasedOnesHaveNone() throws {
        let store = try AuthStore(path: directory.file("auth.sqlite"), synchronous: .full)
        _ = try store.createUser(id: "u_1", email: "a@example.com", name: "Ann \"Q\", Jr.", role: .customer, passwordHash: "h", now: 0)
        _ = try store.createUser(id: "u_2", email: "b@example.com", name: "Bé", role: .customer, passwordHash: "h", now: 0)
        let contacts = try store.contacts(of: ["u_1", "u_2", "u_erased", "\"); DROP TABLE user; --"])
        #expect(contacts == ["u_1": Contact(name: "Ann \"Q\", Jr.", email: "a@example.com"), "u_2": Contact(name: "Bé", email: "b@example.com")])
        #expect(try store.contacts(of: []).isEmpty)
    }
}
