import Testing
@testable import Auth

@Suite("Argon2id password hashing")
struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1))

    @Test func producesPHCStringsThatVerify() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(phc.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        #expect(hasher.verify("correct horse battery", against: phc))
    }

    @Test func rejectsAWrongPassword() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(!hasher.verify("correct horse batterY", against: phc))
    }

    @Test func saltsEveryHash() throws {
        #expect(try hasher.hash("same password!") != hasher.hash("same password!"))
    }

    @Test(arguments: ["", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$garbage", String(repeating: "$", count: 1000)])
    func malformedHashesNeverVerify(phc: String) {
        #expect(!hasher.verify("anything at all", against: phc))
    }

    @Test func asksForARehashWhenParametersChange() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(!hasher.needsRehash(phc))
        let stronger = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 2048, iterations: 1, parallelism: 1))
        #expect(stronger.needsRehash(phc))
        #expect(stronger.verify("correct horse battery", against: phc), "old hashes still verify")
    }

    @Test func theDefaultsMeetTheDesign() {
        #expect(Argon2Parameters.default.memoryKiB >= 19456)
        #expect(Argon2Parameters.default.iterations >= 2)
    }

    @Test func dummyVerificationDoesRealWork() {
        let clock = ContinuousClock()
        let slow = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 8192, iterations: 2, parallelism: 1))
        slow.dummyVerify("warm up")  // makes the dummy hash
        let dummy = clock.measure { slow.dummyVerify("someone@example.com's guess") }
        #expect(dummy > .microseconds(500), "a dummy verification costs a real Argon2 computation")
    }
}
