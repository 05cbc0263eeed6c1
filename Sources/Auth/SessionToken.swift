import Common
internal import Crypto

/// Session tokens: 256 random bits as 43 base64url characters, handed to the client once.
/// The database keeps only `storageHash(of:)`, so a leaked database does not sign anyone in;
/// the CSRF token is derived from the session token, so it needs no storage of its own.
public enum SessionToken {
    /// The length of every generated token.
    public static let length = 43

    /// A new token from the system CSPRNG.
    public static func generate() -> String {
        ByteEncoding.base64URL(SecureRandom.bytes(32))
    }

    /// Lower-case hex SHA-256 of the token (64 characters): the only form that is stored.
    /// A plain hash suffices because the token itself has 256 bits of entropy.
    public static func storageHash(of token: String) -> String {
        ByteEncoding.hex(SHA256.hash(data: Array(token.utf8)))
    }

    /// The CSRF token that goes with a session token: base64url SHA-256 of `"csrf-v1:" + token`.
    /// The prefix keeps it distinct from `storageHash`, and the server recomputes it on each
    /// request; it reveals nothing about the session token.
    public static func csrfToken(for token: String) -> String {
        ByteEncoding.base64URL(SHA256.hash(data: Array(("csrf-v1:" + token).utf8)))
    }

    /// Whether `token` has the shape of a generated token (43 base64url characters); checked
    /// before hashing so that junk never reaches the database.
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == length
            && token.utf8.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// Compares without an early exit, so the time taken does not reveal how much matched.
    /// Only the lengths may leak, and those are public.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
