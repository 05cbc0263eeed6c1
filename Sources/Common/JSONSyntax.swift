/// Whether bytes are one JSON text as RFC 8259 writes it. JSONDecoder is lenient (it takes
/// `{"a": 1,}`) and reports a malformed body and a well-formed value out of range (`1e400`,
/// `1.5` for an integer) the same way; this tells the two apart, without building values.
package enum JSONSyntax {
    /// Nesting deeper than this is refused (no request body needs it).
    package static let maximumDepth = 64

    /// Whether `bytes` are one JSON value in UTF-8, with white space around it (and a byte
    /// order mark before it, which RFC 8259 lets a parser ignore).
    package static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        var scanner = Scanner(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
        scanner.skipWhitespace()
        guard scanner.value(depth: 0) else { return false }
        scanner.skipWhitespace()
        return scanner.atEnd
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }
        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) -> Bool {
            switch current {
            case UInt8(ascii: "{"): return container(closing: UInt8(ascii: "}"), depth: depth) { $0.member(depth: depth) }
            case UInt8(ascii: "["): return container(closing: UInt8(ascii: "]"), depth: depth) { $0.value(depth: depth + 1) }
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        /// `{` or `[`, elements split by commas (none after the last), then `closing`.
        private mutating func container(closing: UInt8, depth: Int, element: (inout Scanner) -> Bool) -> Bool {
            guard depth < JSONSyntax.maximumDepth else { return false }
            index += 1
            skipWhitespace()
            if current == closing {
                index += 1
                return true
            }
            while true {
                guard element(&self) else { return false }
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                case closing:
                    index += 1
                    return true
                default: return false
                }
            }
        }

        private mutating func member(depth: Int) -> Bool {
            guard current == UInt8(ascii: "\""), string() else { return false }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            return value(depth: depth + 1)
        }

        private mutating func string() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return true
                case 0x00..<0x20: return false
                case 0x80...: guard utf8Sequence(leading: byte) else { return false }
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let hex = current, hex.isHexDigit else { return false }
                            index += 1
                        }
                    default: return false
                    }
                default: continue
                }
            }
            return false
        }

        /// The continuation bytes of a UTF-8 sequence whose first byte (`leading`) was
        /// read: no overlong forms, surrogates or code points past U+10FFFF (RFC 3629).
        private mutating func utf8Sequence(leading: UInt8) -> Bool {
            let count: Int
            let lower: UInt8
            let upper: UInt8  // the second byte's range
            switch leading {
            case 0xC2...0xDF: (count, lower, upper) = (1, 0x80, 0xBF)
            case 0xE0: (count, lower, upper) = (2, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (count, lower, upper) = (2, 0x80, 0xBF)
            case 0xED: (count, lower, upper) = (2, 0x80, 0x9F)
            case 0xF0: (count, lower, upper) = (3, 0x90, 0xBF)
            case 0xF1...0xF3: (count, lower, upper) = (3, 0x80, 0xBF)
            case 0xF4: (count, lower, upper) = (3, 0x80, 0x8F)
            default: return false
            }
            for position in 0..<count {
                guard let byte = current, position == 0 ? (lower...upper).contains(byte) : (0x80...0xBF).contains(byte) else { return false }
                index += 1
            }
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        private mutating func number() -> Bool {
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() else { return false }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard digits() else { return false }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more decimal digits.
        private mutating func digits() -> Bool {
            let start = index
            while let byte = current, byte.isDigit { index += 1 }
            return index > start
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
