internal import CArgon2
import Common
import Synchronization

/// Argon2id password hashing with PHC-format strings
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, 16-byte salt, 32-byte hash).
///
/// Each call costs `parameters.memoryKiB` of memory and tens of milliseconds of CPU: run
/// `hash`, `verify` and `dummyVerify` inside `HashingGate.withSlot` in the server.
public struct PasswordHasher: Sendable {
    /// The parameters new hashes are made with.
    public let parameters: Argon2Parameters

    private static let saltLength = 16
    private static let hashLength = 32

    /// Stored hashes with costs above these are refused rather than verified, so a corrupt or
    /// planted row cannot make a worker allocate gigabytes or spin for minutes. Strings made
    /// with the current parameters are always accepted.
    static let verifiableLimits = Argon2Parameters(memoryKiB: 4 * 1024 * 1024, iterations: 64, parallelism: 64)

    /// Shared by copies of this hasher, so the dummy hash is made at most once.
    private let dummy = DummyHash()

    public init(parameters: Argon2Parameters = .default) {
        self.parameters = parameters
    }

    /// Hashes `password` with a fresh random salt and the current parameters.
    /// - Throws: `AuthError.hashingFailed` when libargon2 refuses (invalid parameters, no memory).
    public func hash(_ password: String) throws(AuthError) -> String {
        let p = parameters
        let salt = SecureRandom.bytes(Self.saltLength)
        let length = argon2_encodedlen(
            p.iterations, p.memoryKiB, p.parallelism,
            UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        // One spare byte in case a libargon2 version counts without the terminating NUL.
        var encoded = [CChar](repeating: 0, count: length + 1)
        let passwordBytes = Array(password.utf8)
        let status = passwordBytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                encoded.withUnsafeMutableBufferPointer { out in
                    argon2id_hash_encoded(
                        p.iterations, p.memoryKiB, p.parallelism,
                        pwd.baseAddress, pwd.count, saltBytes.baseAddress, saltBytes.count,
                        Self.hashLength, out.baseAddress, out.count)
                }
            }
        }
        guard status == ARGON2_OK.rawValue else { throw .hashingFailed }
        let text = String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard PHCString(text) != nil else { throw .hashingFailed }
        return text
    }

    /// True when `password` matches `phc`. False for a wrong password and for anything that
    /// is not a well-formed Argon2id v19 PHC string with sane costs; never traps.
    /// The comparison is libargon2's constant-time one.
    public func verify(_ password: String, against phc: String) -> Bool {
        guard let parsed = PHCString(phc), isVerifiable(parsed.parameters) else { return false }
        let passwordBytes = Array(password.utf8)
        let status = passwordBytes.withUnsafeBytes { pwd in
            phc.withCString { argon2id_verify($0, pwd.baseAddress, pwd.count) }
        }
        return status == ARGON2_OK.rawValue
    }

    /// True when `phc` should be replaced by a fresh hash at the next successful login: it was
    /// made with other m/t/p than the current parameters, or it is not an Argon2id v19 string.
    public func needsRehash(_ phc: String) -> Bool {
        PHCString(phc)?.parameters != parameters
    }

    /// Does the work of one verification with the current parameters and throws the answer
    /// away, so that a login with an unknown email costs as long as one with a known email.
    public func dummyVerify(_ password: String) {
        _ = verify(password, against: dummyPHC)
    }

    /// The fixed hash `dummyVerify` checks against (internal so tests can inspect it).
    var dummyPHC: String { dummy.hash(using: self) }

    private func isVerifiable(_ costs: Argon2Parameters) -> Bool {
        if costs == parameters { return true }
        let limits = Self.verifiableLimits
        return costs.memoryKiB <= limits.memoryKiB && costs.iterations <= limits.iterations
            && costs.parallelism <= limits.parallelism
    }
}

/// The hash of a random password, made on first use: workers that never see a login with
/// an unknown email never pay for it.
private final class DummyHash: Sendable {
    private let value = Mutex<String?>(nil)

    func hash(using hasher: PasswordHasher) -> String {
        value.withLock { cached in
            if let cached { return cached }
            // If hashing fails, real logins fail the same way; an empty string verifies as false.
            let made = (try? hasher.hash(ByteEncoding.base64URL(SecureRandom.bytes(18)))) ?? ""
            if !made.isEmpty { cached = made }
            return made
        }
    }
}
