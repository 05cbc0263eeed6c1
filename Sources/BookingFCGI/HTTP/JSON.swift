import Foundation
import Glibc

/// The one JSON configuration of the API: camelCase keys, RFC 3339 UTC dates.
enum JSON {
    nonisolated(unsafe) static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(fromSeconds: Int(date.timeIntervalSince1970.rounded(.down))))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    nonisolated(unsafe) static let decoder: JSONDecoder = {
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
}

/// RFC 3339 times in UTC, with or without fractional seconds on input.
enum RFC3339 {
    static func string(from date: Date) -> String {
        string(fromSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` from Unix seconds, via gmtime_r: Foundation's formatters
    /// consult the locale on every call, which showed in the booking-path profile.
    static func string(fromSeconds seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(parts.tm_year) + 1900
        let yearText = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    static func date(from text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
