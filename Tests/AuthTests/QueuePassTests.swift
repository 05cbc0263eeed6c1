import Testing

@testable import Auth

@Suite("Queue passes and the proof of work")
struct QueuePassTests {
    let keys = QueueKeys([QueueKeys.Key(id: "k1", secret: Array(repeating: 7, count: 32))])
    let now = 1_800_000_000

    @Test func aPassAdmitsItsAccountToItsEventUntilItExpires() {
        let pass = QueuePass.issue(event: "e_1", account: "u_a", position: 42, expiresAt: now + 600, keys: keys)
        #expect(pass.hasPrefix("qp1.k1.42.\(now + 600)."))
        #expect(QueuePass.verify(pass, event: "e_1", account: "u_a", now: now, keys: keys) == .success(42))
        #expect(QueuePass.verify(pass, event: "e_1", account: "u_a", now: now + 600, keys: keys) == .failure(.expired))
    }

    @Test func aPassIsNobodyElsesAndServesNoOtherEvent() {
        let pass = QueuePass.issue(event: "e_1", account: "u_a", position: 1, expiresAt: now + 600, keys: keys)
        #expect(QueuePass.verify(pass, event: "e_1", account: "u_b", now: now, keys: keys) == .failure(.forged))
        #expect(QueuePass.verify(pass, event: "e_2", account: "u_a", now: now, keys: keys) == .failure(.forged))
    }

    @Test func aChangedOrMadeUpPassIsRefused() {
        let pass = QueuePass.issue(event: "e_1", account: "u_a", position: 1, expiresAt: now + 600, keys: keys)
        let code = pass.split(separator: ".").last.map(String.init) ?? ""
        let forged = [
            "qp1.k1.2.\(now + 600).\(code)",  // a better position
            "qp1.k1.1.\(now + 6000).\(code)",  // a later expiry
            "qp1.k9.1.\(now + 600).\(code)",  // an unknown key
            "qp1.k1.1.\(now + 600).\(code.dropLast(2))AA",  // a changed code
            "qp1.k1.1.\(now + 600)",  // no code
            "qp2.k1.1.\(now + 600).\(code)",
            "",
            String(repeating: "qp1.", count: 100),
        ]
        for text in forged {
            #expect(QueuePass.verify(text, event: "e_1", account: "u_a", now: now, keys: keys) == .failure(.forged), "\(text)")
        }
    }

    @Test func aRotatedKeyStillVerifiesThePassesItSignedWhileTheNewOneSigns() {
        let old = QueuePass.issue(event: "e_1", account: "u_a", position: 3, expiresAt: now + 600, keys: keys)
        let rotated = QueueKeys([QueueKeys.Key(id: "k2", secret: Array(repeating: 9, count: 32)), keys.signing])
        #expect(QueuePass.verify(old, event: "e_1", account: "u_a", now: now, keys: rotated) == .success(3))
        let new = QueuePass.issue(event: "e_1", account: "u_a", position: 3, expiresAt: now + 600, keys: rotated)
        #expect(new.hasPrefix("qp1.k2."))
        #expect(QueuePass.verify(new, event: "e_1", account: "u_a", now: now, keys: keys) == .failure(.forged))
    }

    @Test func aSolvedChallengeProvesTheWorkForItsAccountOnly() {
        let challenge = ProofOfWork.challenge(event: "e_1", now: now, keys: keys)
        let nonce = ProofOfWork.solve(challenge: challenge, account: "u_a", difficulty: 10)
        #expect(ProofOfWork.verify(nonce: nonce, event: "e_1", account: "u_a", difficulty: 10, now: now, keys: keys))
        #expect(!ProofOfWork.verify(nonce: nonce, event: "e_2", account: "u_a", difficulty: 10, now: now, keys: keys))
        // The same nonce for another account would need the work done again (1 in 1024 to pass by luck).
        let others = (0..<20).filter { ProofOfWork.verify(nonce: nonce, event: "e_1", account: "u_\($0)", difficulty: 10, now: now, keys: keys) }
        #expect(others.count <= 1)
    }

    @Test func aChallengeLastsItsWindowAndTheNext() {
        let start = now - now % ProofOfWork.window
        let challenge = ProofOfWork.challenge(event: "e_1", now: start, keys: keys)
        let nonce = ProofOfWork.solve(challenge: challenge, account: "u_a", difficulty: 8)
        #expect(ProofOfWork.verify(nonce: nonce, event: "e_1", account: "u_a", difficulty: 8, now: start + ProofOfWork.window + 10, keys: keys))
        #expect(!ProofOfWork.verify(nonce: nonce, event: "e_1", account: "u_a", difficulty: 8, now: start + 2 * ProofOfWork.window, keys: keys))
    }

    @Test func nonceRulesAreChecked() {
        #expect(!ProofOfWork.verify(nonce: "", event: "e_1", account: "u_a", difficulty: 0, now: now, keys: keys))
        #expect(!ProofOfWork.verify(nonce: String(repeating: "1", count: 65), event: "e_1", account: "u_a", difficulty: 0, now: now, keys: keys))
        #expect(ProofOfWork.verify(nonce: "x", event: "e_1", account: "u_a", difficulty: 0, now: now, keys: keys))
    }

    @Test func leadingZeroBitsCountAcrossBytes() {
        #expect(ProofOfWork.leadingZeroBits([0x00, 0x00, 0x80]) == 16)
        #expect(ProofOfWork.leadingZeroBits([0x00, 0x1F]) == 11)
        #expect(ProofOfWork.leadingZeroBits([0xFF]) == 0)
    }
}
