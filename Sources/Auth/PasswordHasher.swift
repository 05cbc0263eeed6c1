internal import CArgon2

/// Argon2id password hashing with PHC-format strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
/// Verification is libargon2's, which compares in constant time.
public final class PasswordHasher: @unchecked Sendable {
    public let parameters: Argon2Parameters
    private static let saltLength = 16
    private static let hashLength = 32
    /// A hash of a random password with the current parameters, verified against for unknown
    /// emails so that their login costs the same as a real one. Made on first use.
    private lazy var dummyHash: String = (try? hash(SessionTokenBytes.random(count: 24).hexString)) ?? ""

    public init(parameters: Argon2Parameters) {
        self.parameters = parameters
    }

    public func hash(_ password: String) throws(AuthError) -> String {
        let salt = SessionTokenBytes.random(count: Self.saltLength)
        let length = argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                                       UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length + 1)
        let bytes = Array(password.utf8)
        let rc = bytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                                      pwd.baseAddress, bytes.count, saltBytes.baseAddress, salt.count,
                                      Self.hashLength, &encoded, encoded.count)
            }
        }
        guard rc == ARGON2_OK.rawValue else { throw .hashingFailed }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `password` matches `phc`; false for a wrong password or a malformed string.
    public func verify(_ password: String, against phc: String) -> Bool {
        guard phc.hasPrefix("$argon2id$"), phc.utf8.count < 512 else { return false }
        let bytes = Array(password.utf8)
        return bytes.withUnsafeBytes { argon2id_verify(phc, $0.baseAddress, bytes.count) } == ARGON2_OK.rawValue
    }

    /// True when `phc` was made with other parameters (or another algorithm) than the current ones.
    public func needsRehash(_ phc: String) -> Bool {
        let expected = "$argon2id$v=19$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)$"
        return !phc.hasPrefix(expected)
    }

    /// Does the work of one verification and throws the answer away.
    public func dummyVerify(_ password: String) {
        _ = verify(password, against: dummyHash)
    }
}
