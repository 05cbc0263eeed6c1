import FoundationEssentials
import Glibc

/// IANA time zones, read from the system's tz database (`/usr/share/zoneinfo`, Debian's
/// `tzdata`) through the C library. Foundation's named time zones need ICU, and importing
/// the Foundation that brings it maps ~6 MiB more into every worker; naming a venue's zone
/// and showing a time in it is all this system asks of time zones.
package enum TimeZoneDatabase {
    package static let directory = "/usr/share/zoneinfo"

    /// Whether `identifier` names a zone: `UTC` or an IANA name such as `Europe/Paris` that
    /// the database lists (its `tzdata.zi`: zones and their links, not the `posix/` and
    /// `right/` copies, which browsers do not know) and has compiled (a TZif file). Only a
    /// listed name becomes a path, so no path leaves the database.
    package static func contains(_ identifier: String) -> Bool {
        guard identifier == "UTC" || identifier.contains("/"), listedNames.contains(identifier) else { return false }
        let file = open(directory + "/" + identifier, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var magic = [UInt8](repeating: 0, count: 4)
        return read(file, &magic, 4) == 4 && magic == Array("TZif".utf8)
    }

    /// Names of `Z` (zone) and `L` (link) lines of the database's `tzdata.zi`, read once.
    private static let listedNames: Set<String> = {
        guard let text = try? String(contentsOfFile: directory + "/tzdata.zi", encoding: .utf8) else { return [] }
        var names: Set<String> = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, fields[0] == "Z" { names.insert(String(fields[1])) }
            if fields.count >= 3, fields[0] == "L" { names.insert(String(fields[2])) }
        }
        return names
    }()

    /// `seconds` since the epoch as local time in `zone` (UTC when the database lacks it),
    /// formatted by `strftime` in the C locale (English day and month names). A zone without
    /// an abbreviation shows its offset as `UTC+04`.
    package static func format(_ seconds: Int, zone: String, _ format: String) -> String {
        let zone = contains(zone) ? zone : "UTC"
        // The C library reads the zone from the environment: one caller at a time, and the
        // process's own TZ put back.
        return ProcessEnvironment.lock.withLock { _ in
            let previous = getenv("TZ").map { String(cString: $0) }
            setenv("TZ", ":" + directory + "/" + zone, 1)
            tzset()
            defer {
                if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
                tzset()
            }
            var time = time_t(seconds)
            var local = tm()
            localtime_r(&time, &local)
            var buffer = [CChar](repeating: 0, count: 256)
            let length = strftime(&buffer, buffer.count, format.replacing("%Z", with: zoneName(local)), &local)
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The zone's abbreviation (CET, BST), or `UTC+04` where the database has only a number.
    private static func zoneName(_ local: tm) -> String {
        let name = local.tm_zone.map { String(cString: $0) } ?? "UTC"
        guard let sign = name.first, sign == "+" || sign == "-" else { return name.replacing("%", with: "%%") }
        return "UTC" + name
    }
}
