/// Random, never-reused identifiers for rows: a type prefix and 20 base32 characters
/// (100 bits), so ids are unique across venues without coordination.
public enum Identifier {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters = Array(prefix.utf8)
        for _ in 0..<20 { characters.append(alphabet[Int(generator.next() % 32)]) }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Whether `text` could be an id made with `prefix` (cheap rejection of junk before SQL).
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        text.utf8.count == prefix.utf8.count + 20 && text.hasPrefix(prefix)
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { alphabet.contains($0) }
    }
}
