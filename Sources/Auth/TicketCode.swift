import Common

/// Ticket codes, shown as text and as a QR code and typed at the door: 13 random Crockford
/// base32 characters (65 bits, so unguessable) and one check character.
///
/// The check character is Crockford's check symbol: the value of the 13 characters, read as
/// one base-32 number, modulo 37, written with the 32 digits followed by `*~$=U`. Because 37
/// is prime and larger than 32, it catches every single wrong character and every swap of
/// two neighbouring characters. Typing is forgiving: any case, spaces and hyphens (codes are
/// printed in groups, `ABCD-EFGH-JKMN-PQ`), I or L for 1, O for 0.
public enum TicketCode {
    /// Crockford's base32 digits: no I, L, O or U.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    /// The digits plus the five extra check symbols, for values 32…36.
    static let checkAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U".utf8)
    static let bodyLength = 13
    /// The length of a canonical code.
    public static let length = bodyLength + 1
    /// Typed input longer than this is refused before any work.
    static let maximumTypedLength = 64

    /// A new random code in canonical form.
    public static func make() -> String {
        // 256 is a multiple of 32, so the remainder is uniform.
        let body = SecureRandom.bytes(bodyLength).map { alphabet[Int($0 % 32)] }
        return String(decoding: body + [checkSymbol(body)], as: UTF8.self)
    }

    /// Whether `code` is a valid code in canonical form (what `make` and `normalize` return).
    public static func isValid(_ code: String) -> Bool {
        normalize(code) == code
    }

    /// The canonical code for what someone typed, or nil when it is not a valid code: upper-
    /// cases, drops spaces and hyphens, maps I and L to 1 and O to 0, then checks the check
    /// character.
    public static func normalize(_ typed: String) -> String? {
        guard typed.utf8.count <= maximumTypedLength else { return nil }
        var bytes: [UInt8] = []
        for byte in typed.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"): continue
            case UInt8(ascii: "I"), UInt8(ascii: "i"), UInt8(ascii: "L"), UInt8(ascii: "l"): bytes.append(UInt8(ascii: "1"))
            case UInt8(ascii: "O"), UInt8(ascii: "o"): bytes.append(UInt8(ascii: "0"))
            // ASCII only: upper-casing other scripts could turn a letter into a digit look-alike.
            case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(byte - 0x20)
            default: bytes.append(byte)
            }
        }
        guard bytes.count == length else { return nil }
        let body = Array(bytes.prefix(bodyLength))
        guard body.allSatisfy(alphabet.contains), checkSymbol(body) == bytes[bodyLength] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Crockford's check symbol of a body made of `alphabet` characters.
    static func checkSymbol(_ body: [UInt8]) -> UInt8 {
        var remainder = 0
        for byte in body {
            // NUL is never a check symbol, so a foreign byte can never pass.
            guard let digit = alphabet.firstIndex(of: byte) else { return 0 }
            remainder = (remainder * 32 + digit) % 37
        }
        return checkAlphabet[remainder]
    }
}
