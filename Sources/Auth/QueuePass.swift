import Common
internal import Crypto

/// The keys that sign admission passes and proof-of-work challenges. The first signs; every
/// one verifies, so a key can be rotated without invalidating the passes already out.
public struct QueueKeys: Sendable {
    public struct Key: Sendable {
        /// Short, and part of every pass: letters and digits only.
        public let id: String
        let secret: SymmetricKey

        public init(id: String, secret: [UInt8]) {
            self.id = id
            self.secret = SymmetricKey(data: secret)
        }
    }

    public let signing: Key
    let all: [String: Key]

    public init(_ keys: [Key]) {
        precondition(!keys.isEmpty, "at least one queue key")
        signing = keys[0]
        all = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func mac(_ message: String, key: Key) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key.secret))
    }

    func isValid(_ code: [UInt8], for message: String, key: Key) -> Bool {
        // Constant time: swift-crypto compares the codes without an early exit.
        HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Array(message.utf8), using: key.secret)
    }
}

/// An admission pass: `qp1.<key id>.<position>.<expiry>.<HMAC-SHA256>` over the event, the
/// account, the position, the expiry and the key id. It is checked from its text alone, with
/// no database read and no lock, before any write of a hold or booking.
public enum QueuePass {
    /// Why a pass was refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not a pass, signed by no known key, or for another event or account.
        case forged
        /// A real pass past its expiry.
        case expired
    }

    /// The pass of `account` at `position` in the queue of `event`, valid until `expiresAt`.
    public static func issue(event: String, account: String, position: Int, expiresAt: Int, keys: QueueKeys) -> String {
        let key = keys.signing
        let code = keys.mac(message(event: event, account: account, position: position, expiresAt: expiresAt, keyID: key.id), key: key)
        return "qp1.\(key.id).\(position).\(expiresAt).\(ByteEncoding.base64URL(code))"
    }

    /// The position a valid pass admits, or why it is refused.
    public static func verify(_ pass: String, event: String, account: String, now: Int, keys: QueueKeys) -> Result<Int, Refusal> {
        let parts = pass.split(separator: ".", omittingEmptySubsequences: false)
        guard pass.utf8.count <= 200, parts.count == 5, parts[0] == "qp1", let key = keys.all[String(parts[1])],
            let position = Int(parts[2]), position > 0, let expiresAt = Int(parts[3]),
            let code = ByteEncoding.bytes(base64URL: String(parts[4])), code.count == 32,
            keys.isValid(code, for: message(event: event, account: account, position: position, expiresAt: expiresAt, keyID: key.id), key: key)
        else { return .failure(.forged) }
        return expiresAt > now ? .success(position) : .failure(.expired)
    }

    private static func message(event: String, account: String, position: Int, expiresAt: Int, keyID: String) -> String {
        "pass|\(event)|\(account)|\(position)|\(expiresAt)|\(keyID)"
    }
}

/// The proof of work that a join costs (hashcash over SHA-256): find a `nonce` such that
/// SHA-256(challenge + ":" + account + ":" + nonce) begins with `difficulty` zero bits. The
/// challenge is bound to the event and a five-minute window and signed, so the server keeps
/// no state; the account in the hash means one proof cannot serve two accounts.
public enum ProofOfWork {
    /// How long one challenge window lasts (seconds); the previous window's is still taken.
    public static let window = 300

    /// The challenge of `event` now.
    public static func challenge(event: String, now: Int, keys: QueueKeys) -> String {
        challenge(event: event, window: now / window, keys: keys)
    }

    /// Whether `nonce` proves the work for `account`, against this window's or the previous
    /// window's challenge.
    public static func verify(nonce: String, event: String, account: String, difficulty: Int, now: Int, keys: QueueKeys) -> Bool {
        guard !nonce.isEmpty, nonce.utf8.count <= 64 else { return false }
        let current = now / window
        return [current, current - 1].contains { period in
            leadingZeroBits(SHA256.hash(data: Array((challenge(event: event, window: period, keys: keys) + ":" + account + ":" + nonce).utf8)))
                >= difficulty
        }
    }

    /// A nonce for the challenge by brute force (tests and benchmarks; browsers do this in a Web Worker).
    public static func solve(challenge: String, account: String, difficulty: Int) -> String {
        var nonce = 0
        while leadingZeroBits(SHA256.hash(data: Array((challenge + ":" + account + ":" + String(nonce)).utf8))) < difficulty { nonce += 1 }
        return String(nonce)
    }

    static func leadingZeroBits<Digest: Sequence<UInt8>>(_ digest: Digest) -> Int {
        var bits = 0
        for byte in digest {
            if byte == 0 {
                bits += 8
                continue
            }
            return bits + byte.leadingZeroBitCount
        }
        return bits
    }

    private static func challenge(event: String, window: Int, keys: QueueKeys) -> String {
        let key = keys.signing
        let code = keys.mac("pow|\(event)|\(window)", key: key).prefix(16)
        return "c1.\(window).\(ByteEncoding.base64URL(code))"
    }
}
