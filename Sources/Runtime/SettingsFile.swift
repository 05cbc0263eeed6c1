import Common
import FoundationEssentials

/// `/etc/booking/booking.env`, read by the operator commands as systemd reads it for the
/// services (`EnvironmentFile=`), so that `booking-fcgi backup` sees the services' data
/// directory and replica. `BOOKING_ENV_FILE` names another file. The process's own
/// environment wins over the file.
package enum SettingsFile {
    package static let defaultPath = "/etc/booking/booking.env"

    /// The environment with the file's settings under it. A missing file adds nothing; one
    /// that cannot be read or has a malformed line is an error naming it.
    /// The directory of the settings file (`/etc/booking`), which a full backup copies.
    package static func directory(over process: [String: String]) -> String {
        let path = process["BOOKING_ENV_FILE"] ?? defaultPath
        return path.lastIndex(of: "/").map { String(path[..<$0]) }.flatMap { $0.isEmpty ? nil : $0 } ?? "."
    }

    package static func environment(over process: [String: String]) throws(ConfigurationError) -> [String: String] {
        let path = process["BOOKING_ENV_FILE"] ?? defaultPath
        guard FileManager.default.fileExists(atPath: path) else {
            if process["BOOKING_ENV_FILE"] != nil { throw ConfigurationError("BOOKING_ENV_FILE names \(path), which does not exist") }
            return process
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigurationError("cannot read \(path) (run as root or as the booking user)")
        }
        // Nil for a file with nothing to read (`/dev/null`: no settings).
        let data = FileManager.default.contents(atPath: path) ?? Data()
        return try parse(String(decoding: data, as: UTF8.self), path: path).merging(process) { _, own in own }
    }

    /// `NAME=value` lines as systemd's EnvironmentFile takes them: blank lines and lines
    /// starting with `#` or `;` are skipped; a value may be in single or double quotes.
    package static func parse(_ text: String, path: String) throws(ConfigurationError) -> [String: String] {
        var settings: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError("\(path), line \(number + 1): expected NAME=value, not \(line)")
            }
            let name = line[..<equals].trimmingWhitespace
            guard !name.isEmpty,
                name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
            else { throw ConfigurationError("\(path), line \(number + 1): \(name) is not a variable name") }
            var value = line[line.index(after: equals)...].trimmingWhitespace
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            settings[name] = value
        }
        return settings
    }
}
