/// A normalised (trimmed, lower-cased) and validated email address: the key accounts are
/// found by, and a value that is safe to put in a mail header or a `sendmail` argument.
///
/// Deliberately stricter than RFC 5321: no quoted local parts, no IP-literal domains, ASCII
/// only (internationalised domains must be given in punycode).
public struct EmailAddress: Sendable, Hashable {
    /// The normalised address.
    public let value: String

    public static let maximumLength = 254
    public static let maximumLocalLength = 64
    /// Input is refused before any work beyond this many bytes.
    static let maximumRawBytes = 1024

    /// - Throws: `AuthError.invalidEmail` saying what is wrong.
    public init(_ raw: String) throws(AuthError) {
        guard raw.utf8.count <= Self.maximumRawBytes else { throw .invalidEmail("an email address has at most 254 characters") }
        let address = Self.trimmed(raw).lowercased()
        guard !address.isEmpty else { throw .invalidEmail("an email address is required") }
        guard address.utf8.count <= Self.maximumLength else { throw .invalidEmail("an email address has at most 254 characters") }
        let parts = address.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidEmail("an email address has exactly one @") }
        guard Self.isValidLocalPart(Array(parts[0])) else { throw .invalidEmail("the part before the @ is not valid") }
        guard Self.isValidDomain(Array(parts[1])) else { throw .invalidEmail("the domain after the @ is not valid") }
        value = address
    }

    /// Printable ASCII without space and `"(),:;<>[\]`, dots only between other characters.
    private static func isValidLocalPart(_ local: [UInt8]) -> Bool {
        let forbidden = Array("\"(),:;<>[\\]@".utf8)
        let dot = UInt8(ascii: ".")
        guard (1...maximumLocalLength).contains(local.count), local.first != dot, local.last != dot else { return false }
        for (index, byte) in local.enumerated() {
            guard (0x21...0x7E).contains(byte), !forbidden.contains(byte) else { return false }
            if byte == dot && local[index - 1] == dot { return false }
        }
        return true
    }

    /// At least two dot-separated labels of 1–63 characters from [a-z0-9-], none starting or
    /// ending with a hyphen.
    private static func isValidDomain(_ domain: [UInt8]) -> Bool {
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let hyphen = UInt8(ascii: "-")
        return labels.count >= 2
            && labels.allSatisfy { label in
                (1...63).contains(label.count) && label.first != hyphen && label.last != hyphen
                    && label.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == hyphen }
            }
    }

    /// Drops leading and trailing Unicode whitespace (people paste addresses with a newline).
    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
