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
        inZone(zone) {
            var local = localTime(seconds)
            var buffer = [CChar](repeating: 0, count: 256)
            let length = strftime(&buffer, buffer.count, format.replacing("%Z", with: zoneName(local)), &local)
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// How a zone counts time over a stretch: its offset from UTC, whether that is daylight
    /// time and its abbreviation as `format`'s `%Z` shows it.
    package struct Observance: Equatable, Sendable {
        /// Seconds east of UTC.
        package let offset: Int
        package let isDaylight: Bool
        package let name: String
    }

    /// A change of a zone's observance at `at` (Unix seconds).
    package struct Transition: Equatable, Sendable {
        package let at: Int
        package let from: Observance
        package let to: Observance
    }

    /// The observance in force at `from` in `zone` (UTC when the database lacks it) and every
    /// change of it up to `to`, to the second: what a calendar file's VTIMEZONE describes.
    /// Zones change at most a few times a year, so the stretch is walked a day at a time and
    /// each change found by bisection within its day.
    package static func transitions(zone: String, from: Int, to: Int) -> (initial: Observance, changes: [Transition]) {
        inZone(zone) {
            let observance = { (seconds: Int) -> Observance in
                let local = localTime(seconds)
                return Observance(offset: local.tm_gmtoff, isDaylight: local.tm_isdst > 0, name: zoneName(local))
            }
            let initial = observance(from)
            var changes: [Transition] = []
            var previous = (at: from, observance: initial)
            var step = from
            while step < to {
                step = min(step + 86400, to)
                let current = observance(step)
                if current != previous.observance {
                    var (low, high) = (previous.at, step)  // low is the old observance, high the new one
                    while high - low > 1 {
                        let middle = low + (high - low) / 2
                        if observance(middle) == previous.observance { low = middle } else { high = middle }
                    }
                    changes.append(Transition(at: high, from: previous.observance, to: current))
                }
                previous = (step, current)
            }
            return (initial, changes)
        }
    }

    /// Runs `body` with the C library's local time set to `zone` (UTC when the database lacks
    /// it). The C library reads the zone from the environment: one caller at a time, and the
    /// process's own TZ put back.
    private static func inZone<T>(_ zone: String, _ body: () -> T) -> T {
        let zone = contains(zone) ? zone : "UTC"
        return ProcessEnvironment.lock.withLock { _ in
            let previous = getenv("TZ").map { String(cString: $0) }
            setenv("TZ", ":" + directory + "/" + zone, 1)
            tzset()
            defer {
                if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
                tzset()
            }
            return body()
        }
    }

    private static func localTime(_ seconds: Int) -> tm {
        var time = time_t(seconds)
        var local = tm()
        localtime_r(&time, &local)
        return local
    }

    /// The zone's abbreviation (CET, BST), or `UTC+04` where the database has only a number.
    private static func zoneName(_ local: tm) -> String {
        let name = local.tm_zone.map { String(cString: $0) } ?? "UTC"
        guard let sign = name.first, sign == "+" || sign == "-" else { return name.replacing("%", with: "%%") }
        return "UTC" + name
    }
}
