import Glibc
import Synchronization

/// IANA time zones, read from the system's tz database (`/usr/share/zoneinfo`, Debian's
/// `tzdata`) through the C library. Foundation's named time zones need ICU, and importing
/// the Foundation that brings it maps ~6 MiB more into every worker; naming a venue's zone
/// and showing a time in it is all this system asks of time zones.
enum TimeZoneDatabase {
    static let directory = "/usr/share/zoneinfo"

    /// Whether `identifier` names a zone in the database: `UTC` or an IANA name such as
    /// `Europe/Paris` (letters, digits and `_+-` in components split by `/`, so no path leaves
    /// the database) whose file is a compiled zone (TZif).
    static func contains(_ identifier: String) -> Bool {
        let components = identifier.split(separator: "/", omittingEmptySubsequences: false)
        guard identifier.utf8.count <= 64, identifier == "UTC" || components.count > 1,
              components.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isNameByte) }) else { return false }
        let file = open(directory + "/" + identifier, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return false }
        defer { close(file) }
        var magic = [UInt8](repeating: 0, count: 4)
        return read(file, &magic, 4) == 4 && magic == Array("TZif".utf8)
    }

    /// `seconds` since the epoch as local time in `zone` (UTC when the database lacks it),
    /// formatted by `strftime` in the C locale (English day and month names). A zone without
    /// an abbreviation shows its offset as `UTC+04`.
    static func format(_ seconds: Int, zone: String, _ format: String) -> String {
        let zone = contains(zone) ? zone : "UTC"
        // The C library reads the zone from the environment: one caller at a time, and the
        // process's own TZ put back.
        return environmentLock.withLock { _ in
            let previous = getenv("TZ").map { String(cString: $0) }
            setenv("TZ", ":" + directory + "/" + zone, 1)
            tzset()
            defer {
                if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
                tzset()
            }
            var time = time_t(seconds), local = tm()
            localtime_r(&time, &local)
            var buffer = [CChar](repeating: 0, count: 256)
            let length = strftime(&buffer, buffer.count, format.replacing("%Z", with: zoneName(local)), &local)
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    private static let environmentLock = Mutex(())

    /// The zone's abbreviation (CET, BST), or `UTC+04` where the database has only a number.
    private static func zoneName(_ local: tm) -> String {
        let name = local.tm_zone.map { String(cString: $0) } ?? "UTC"
        guard let sign = name.first, sign == "+" || sign == "-" else { return name.replacing("%", with: "%%") }
        return "UTC" + name
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
