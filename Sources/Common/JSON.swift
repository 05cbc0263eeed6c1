import FoundationEssentials
import Glibc

/// The one JSON configuration of the system: camelCase keys, RFC 3339 UTC dates.
package enum JSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(fromSeconds: Int(date.timeIntervalSince1970.rounded(.down))))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 time such as 2026-12-31T20:00:00Z")
            }
            return date
        }
        return decoder
    }()

    /// Text that is not one RFC 8259 JSON value.
    package struct Malformed: Error {}

    /// `bytes` decoded as `T` once they are known to be JSON: JSONDecoder alone takes
    /// `{"a": 1,}`, and reports a malformed text like a well-formed value out of range.
    /// Throws `Malformed`, or the decoder's `DecodingError` for a value of the wrong shape.
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard JSONSyntax.isWellFormed(bytes) else { throw Malformed() }
        return try decoder.decode(T.self, from: Data(bytes))
    }
}
