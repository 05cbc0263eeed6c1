import Testing

@testable import Auth

@Suite("Argon2id password hashing")
struct PasswordHasherTests {
    // Small costs keep the suite fast; the defaults are checked separately.
    static let fast = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
    let hasher = PasswordHasher(parameters: fast)

    @Test func producesPHCStringsThatVerify() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(phc.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"))
        let fields = phc.split(separator: "$")
        #expect(fields.count == 5)
        #expect(fields[3].count == 22, "16-byte salt in unpadded base64")
        #expect(fields[4].count == 43, "32-byte hash in unpadded base64")
        #expect(hasher.verify("correct horse battery", against: phc))
    }

    @Test func rejectsAWrongPassword() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(!hasher.verify("correct horse batterY", against: phc))
        #expect(!hasher.verify("", against: phc))
        #expect(!hasher.verify("correct horse battery\u{0}", against: phc))
    }

    @Test func handlesUnicodeAndEmptyPasswords() throws {
        for password in ["", "pässwörd 🔑 ünïcødé", String(repeating: "x", count: 4096)] {
            let phc = try hasher.hash(password)
            #expect(hasher.verify(password, against: phc))
        }
    }

    @Test func saltsEveryHash() throws {
        #expect(try hasher.hash("same password!") != hasher.hash("same password!"))
    }

    @Test(arguments: [
        "", "plain", "$", "$$$$$",
        "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2d$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$garbage",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",  // salt shorter than 8 bytes
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFz",  // hash shorter than 4 bytes
        "$argon2id$v=19$m=1024,t=1,p=1$c2Fs dHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=-1,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA$extra",
        "$argon2id$v=19$m=1024,t=1,p=1\u{0}$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        String(repeating: "$", count: 1000),
        "$argon2id$v=19$m=1024,t=1,p=1$" + String(repeating: "A", count: 600) + "$aGFzaA",
    ])
    func malformedHashesNeverVerify(phc: String) {
        #expect(!hasher.verify("anything at all", against: phc))
        #expect(hasher.needsRehash(phc))
    }

    @Test func refusesCostsThatWouldExhaustTheWorker() {
        // 4 TiB of memory or a billion passes: refused outright, quickly, without allocating.
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(!hasher.verify("x", against: "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
            #expect(!hasher.verify("x", against: "$argon2id$v=19$m=1024,t=1000000000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
            #expect(!hasher.verify("x", against: "$argon2id$v=19$m=1024,t=1,p=16777215$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"))
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func asksForARehashWhenParametersChange() throws {
        let phc = try hasher.hash("correct horse battery")
        #expect(!hasher.needsRehash(phc))
        for changed in [
            Argon2Parameters(memoryKiB: 2048, iterations: 1, parallelism: 1),
            Argon2Parameters(memoryKiB: 1024, iterations: 2, parallelism: 1),
            Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 2),
        ] {
            let stronger = PasswordHasher(parameters: changed)
            #expect(stronger.needsRehash(phc))
            #expect(stronger.verify("correct horse battery", against: phc), "old hashes still verify")
        }
    }

    @Test func hashingWithImpossibleParametersThrows() {
        let broken = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 1, iterations: 0, parallelism: 1))
        #expect(throws: AuthError.hashingFailed) { try broken.hash("correct horse battery") }
        broken.dummyVerify("must not crash either")
    }

    @Test func theDefaultsMeetTheDesign() {
        #expect(Argon2Parameters.default == Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1))
        #expect(PasswordHasher().parameters == .default)
    }

    @Test func dummyVerificationUsesAFixedHashWithTheCurrentParameters() {
        hasher.dummyVerify("someone's guess")
        let dummy = hasher.dummyPHC
        #expect(!hasher.needsRehash(dummy), "it costs exactly what a current hash costs")
        #expect(hasher.dummyPHC == dummy, "made once, then reused")
        let copy = hasher
        #expect(copy.dummyPHC == dummy, "copies share it")
        #expect(PasswordHasher(parameters: Self.fast).dummyPHC != dummy, "each hasher makes its own")
    }

    @Test func dummyVerificationDoesRealWork() {
        let slow = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 8192, iterations: 2, parallelism: 1))
        slow.dummyVerify("warm up")  // makes the dummy hash
        let elapsed = ContinuousClock().measure { slow.dummyVerify("someone@example.com's guess") }
        #expect(elapsed > .microseconds(500), "a dummy verification is a real Argon2 computation")
    }
}
