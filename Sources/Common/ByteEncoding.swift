/// Text encodings of bytes used by tokens and ids; small enough to keep Foundation out.
public enum ByteEncoding {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// RFC 4648 base32, lower-cased: ids appear in URLs and logs, where lower case reads better.
    public static let base32Alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Lower-case hexadecimal.
    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64url (RFC 4648 §5) without padding.
    public static func base64URL<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bitGroups(Array(bytes), width: 6, alphabet: base64URLAlphabet)
    }

    /// The bytes of unpadded base64url text, or nil for any other text (a character outside the
    /// alphabet, padding, or a length no encoding has).
    public static func bytes(base64URL text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in characters {
            guard let value = base64URLAlphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return buffer == 0 ? out : nil  // the unused low bits of the last character are zero
    }

    /// Base32 (RFC 4648 alphabet, lower case) without padding.
    public static func base32(_ bytes: [UInt8]) -> String {
        bitGroups(bytes, width: 5, alphabet: base32Alphabet)
    }

    /// Splits the bytes, most significant bit first, into groups of `width` bits (the last
    /// one zero-filled) and maps each group through `alphabet`.
    private static func bitGroups(_ bytes: [UInt8], width: Int, alphabet: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + width - 1) / width)
        var buffer: UInt32 = 0
        var bits = 0
        let mask = UInt32(1 << width) - 1
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= width {
                bits -= width
                out.append(alphabet[Int((buffer >> UInt32(bits)) & mask)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(width - bits)) & mask)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
