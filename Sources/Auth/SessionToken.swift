import Crypto
import Foundation

/// Session tokens: 256 random bits, base64url. The database keeps only their SHA-256, and
/// the CSRF token is derived from the session token, so it needs no storage of its own.
public enum SessionToken {
    public static func generate() -> String {
        SessionTokenBytes.random(count: 32).base64URL
    }

    /// The only form of a token that is stored.
    public static func storageHash(of token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }

    /// The CSRF token belonging to a session token.
    public static func csrfToken(for token: String) -> String {
        Array(SHA256.hash(data: Array(("csrf-v1:" + token).utf8))).base64URL
    }

    /// Whether `token` has the shape of a generated token (43 base64url characters).
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// Compares without an early exit, so timing does not reveal how much matched.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Random bytes from the system's CSPRNG (getrandom on Linux).
enum SessionTokenBytes {
    static func random(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
    var base64URL: String {
        Data(self).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
