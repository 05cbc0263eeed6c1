/// A normalised (trimmed, lower-cased) and validated email address.
public struct EmailAddress: Sendable, Hashable {
    public let value: String

    public init(_ raw: String) throws(AuthError) {
        let trimmed = raw.utf8.count <= 1024 ? Self.trim(raw).lowercased() : raw
        guard trimmed.utf8.count <= 254 else { throw .invalidEmail("an email address has at most 254 characters") }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidEmail("an email address has one @") }
        let local = Array(parts[0].utf8), domain = parts[1]
        let forbidden = Array("\"(),:;<>[\\] ".utf8)
        guard (1...64).contains(local.count), local.allSatisfy({ (0x21...0x7E).contains($0) && !forbidden.contains($0) }),
              local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."), !parts[0].contains("..") else {
            throw .invalidEmail("the part before @ is not valid")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            let bytes = Array(label.utf8)
            return (1...63).contains(bytes.count) && bytes.first != UInt8(ascii: "-") && bytes.last != UInt8(ascii: "-")
                && bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
        }) else {
            throw .invalidEmail("the domain is not valid")
        }
        value = trimmed
    }

    private static func trim(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }.reversed()))
    }
}
