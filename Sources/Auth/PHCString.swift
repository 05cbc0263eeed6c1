/// The parts of an Argon2id PHC string that Auth cares about, parsed strictly:
/// `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>`.
/// libargon2 parses the string again when verifying; this parse decides beforehand whether
/// the string is ours and cheap enough to verify at all.
struct PHCString: Equatable {
    let parameters: Argon2Parameters

    /// Longer strings are not something this code ever wrote.
    static let maximumLength = 512

    init?(_ text: String) {
        guard text.utf8.count <= Self.maximumLength else { return nil }
        let fields = text.utf8.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
        // "" (before the first $), "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
        guard fields.count == 6, fields[0].isEmpty,
            fields[1].elementsEqual("argon2id".utf8), fields[2].elementsEqual("v=19".utf8),
            Self.isBase64(fields[4], minimumBytes: 8), Self.isBase64(fields[5], minimumBytes: 4)
        else { return nil }
        let costs = fields[3].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard costs.count == 3,
            let m = Self.number(costs[0], key: "m"), let t = Self.number(costs[1], key: "t"),
            let p = Self.number(costs[2], key: "p")
        else { return nil }
        parameters = Argon2Parameters(memoryKiB: m, iterations: t, parallelism: p)
    }

    /// `key=digits` with a value that fits in UInt32 and no leading zero (libargon2's rule).
    private static func number(_ field: Substring.UTF8View, key: Character) -> UInt32? {
        let text = String(decoding: field, as: UTF8.self)
        guard text.hasPrefix("\(key)=") else { return nil }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty, digits.count <= 10, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            digits == "0" || !digits.hasPrefix("0")
        else { return nil }
        return UInt32(digits)
    }

    /// Unpadded standard base64 of at least `minimumBytes` bytes (libargon2's minimum salt
    /// is 8 bytes, its minimum hash 4).
    private static func isBase64(_ field: Substring.UTF8View, minimumBytes: Int) -> Bool {
        field.count % 4 != 1 && field.count * 6 / 8 >= minimumBytes
            && field.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
            }
    }
}
