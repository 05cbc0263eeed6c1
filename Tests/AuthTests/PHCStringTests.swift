import Testing

@testable import Auth

@Suite("PHC string parsing")
struct PHCStringTests {
    @Test func readsTheCosts() throws {
        let parsed = try #require(PHCString("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"))
        #expect(parsed.parameters == .default)
    }

    @Test(arguments: [
        "m=01024,t=1,p=1", "m=1024,t=1", "t=1,m=1024,p=1", "m=1024,t=1,p=1,k=2", "m=,t=1,p=1", "m=4294967296,t=1,p=1", "m=1024,t=+1,p=1",
    ])
    func refusesOddCostFields(costs: String) {
        #expect(PHCString("$argon2id$v=19$\(costs)$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA") == nil)
    }

    @Test(arguments: [
        ("c2FsdHNhbHQ", "aGFzaA", true), ("c2FsdHNhbA", "aGFzaA", false), ("c2FsdHNhbHQ", "aGFz", false),
        ("c2FsdHNhbHQx", "aGFzaA", true), ("c2FsdHNhbHQxM", "aGFzaA", false),
    ])
    func saltAndHashMeetLibargon2sMinimums(salt: String, hash: String, accepted: Bool) {
        #expect((PHCString("$argon2id$v=19$m=1024,t=1,p=1$\(salt)$\(hash)") != nil) == accepted)
    }

    @Test func acceptsTheLargestUInt32() throws {
        let parsed = try #require(PHCString("$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaA"))
        #expect(parsed.parameters.memoryKiB == .max)
    }
}
