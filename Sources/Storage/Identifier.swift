import Glibc

/// Random, never-reused identifiers for rows: a type prefix and 20 base32 characters
/// (100 bits), so ids are unique across venues without coordination.
public enum Identifier {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    public static func make(_ prefix: String) -> String {
        // One call to the kernel's CSPRNG; 256 is a multiple of 32, so the remainder is uniform.
        var random = [UInt8](repeating: 0, count: 20)
        random.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        return prefix + String(decoding: random.map { alphabet[Int($0 % 32)] }, as: UTF8.self)
    }

    /// Whether `text` could be an id made with `prefix` (cheap rejection of junk before SQL).
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        text.utf8.count == prefix.utf8.count + 20 && text.hasPrefix(prefix)
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { alphabet.contains($0) }
    }
}
