import Common
import Glibc

/// Never-reused identifiers for rows: a type prefix and 20 base32 characters, unique across
/// venues without coordination.
public enum Identifier {
    private static let alphabet = ByteEncoding.base32Alphabet
    /// The same 32 characters in byte order, so that encoded times sort as the times do.
    private static let orderedAlphabet = Array("234567abcdefghijklmnopqrstuvwxyz".utf8)

    /// 20 random characters (100 bits): for ids that should reveal nothing, such as users.
    public static func make(_ prefix: String) -> String {
        prefix + String(decoding: randomCharacters(20), as: UTF8.self)
    }

    /// 10 characters of the time in milliseconds (50 bits), then 10 random ones (50 bits):
    /// rows made one after another get neighbouring keys, so a transaction that inserts
    /// many of them (a batch of bookings) writes one B-tree page, not one page per row.
    /// The random half keeps them unguessable and unique (ULID's layout).
    public static func makeTimeOrdered(_ prefix: String, at time: timespec? = nil) -> String {
        var now = timespec()
        if let time { now = time } else { clock_gettime(CLOCK_REALTIME, &now) }
        var milliseconds = UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
        var time = [UInt8](repeating: 0, count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            time[index] = orderedAlphabet[Int(milliseconds & 31)]
            milliseconds >>= 5
        }
        return prefix + String(decoding: time + randomCharacters(10), as: UTF8.self)
    }

    /// Whether `text` could be an id made with `prefix` (cheap rejection of junk before SQL).
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        text.utf8.count == prefix.utf8.count + 20 && text.hasPrefix(prefix)
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { alphabet.contains($0) }
    }

    /// `count` random base32 characters (5 bits each).
    private static func randomCharacters(_ count: Int) -> [UInt8] {
        Array(ByteEncoding.base32(SecureRandom.bytes((count * 5 + 7) / 8)).utf8.prefix(count))
    }
}
