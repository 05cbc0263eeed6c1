/// Ticket codes: 13 random Crockford base32 characters (65 bits) and a mod-37 check
/// character, so a mistyped or swapped character is caught at the door. Printed in groups
/// (`ABCD-EFGH-JKMN-P`); typing is forgiving: case, spaces, hyphens, I/L for 1, O for 0.
public enum TicketCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let checkAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U".utf8)
    static let bodyLength = 13

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let body = (0..<bodyLength).map { _ in alphabet[Int(generator.next() % 32)] }
        return String(decoding: body + [check(body)], as: UTF8.self)
    }

    /// The canonical code for what someone typed, or nil when it is not a valid code.
    public static func normalize(_ typed: String) -> String? {
        guard typed.utf8.count <= 64 else { return nil }
        var bytes: [UInt8] = []
        for byte in typed.uppercased().utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"): continue
            case UInt8(ascii: "I"), UInt8(ascii: "L"): bytes.append(UInt8(ascii: "1"))
            case UInt8(ascii: "O"): bytes.append(UInt8(ascii: "0"))
            default: bytes.append(byte)
            }
        }
        guard bytes.count == bodyLength + 1 else { return nil }
        let body = Array(bytes.prefix(bodyLength))
        guard body.allSatisfy(alphabet.contains), check(body) == bytes[bodyLength] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func isValid(_ code: String) -> Bool { normalize(code) == code }

    /// Crockford's check symbol: the code's value modulo 37.
    static func check(_ body: [UInt8]) -> UInt8 {
        var remainder = 0
        for byte in body { remainder = (remainder * 32 + alphabet.firstIndex(of: byte)!) % 37 }
        return checkAlphabet[remainder]
    }
}
