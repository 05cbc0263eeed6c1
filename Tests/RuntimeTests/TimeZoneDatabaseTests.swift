import Common
import Glibc
import Testing

@testable import Runtime

@Suite("IANA time zones from the system's tz database", .serialized)
struct TimeZoneDatabaseTests {
    @Test(arguments: ["Europe/Paris", "America/New_York", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "Etc/GMT+5", "UTC"])
    func knowsRealZones(name: String) {
        #expect(TimeZoneDatabase.contains(name))
    }

    @Test(arguments: [
        "", "Mars/Base", "Europe", "europe/paris/x", "GMT+1", "../../etc/passwd", "Europe/../Europe/Paris", "Europe//Paris",
        "/etc/passwd", "Europe/Paris\u{0}", "Europe/Paris/", "posixrules/x", "posix/Europe/Paris", "right/Europe/Paris", "Factory",
        String(repeating: "A/", count: 40) + "B", "Europe/ Paris",
    ])
    func refusesUnknownNamesAndPaths(name: String) {
        #expect(!TimeZoneDatabase.contains(name))
    }

    @Test func refusesADirectoryOrAFileThatIsNotAZone() {
        #expect(!TimeZoneDatabase.contains("America/Argentina"))
        #expect(!TimeZoneDatabase.contains("Etc/NOT_A_ZONE"))
    }

    @Test func formatsLocalTimeWithDaylightSaving() {
        // 2026-07-01T18:00:00Z and 2026-12-01T18:00:00Z.
        #expect(TimeZoneDatabase.format(1_782_928_800, zone: "Europe/London", "%A %-d %B %Y, %H:%M %Z") == "Wednesday 1 July 2026, 19:00 BST")
        #expect(TimeZoneDatabase.format(1_796_148_000, zone: "Europe/London", "%A %-d %B %Y, %H:%M %Z") == "Tuesday 1 December 2026, 18:00 GMT")
        #expect(TimeZoneDatabase.format(1_796_148_000, zone: "Europe/Paris", "%H:%M %Z") == "19:00 CET")
        #expect(TimeZoneDatabase.format(1_796_148_000, zone: "America/New_York", "%H:%M %Z") == "13:00 EST")
    }

    @Test func findsAZonesChangesToTheSecond() {
        // 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z in Paris: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let (initial, changes) = TimeZoneDatabase.transitions(zone: "Europe/Paris", from: 1_767_225_600, to: 1_798_761_600)
        #expect(initial == .init(offset: 3600, isDaylight: false, name: "CET"))
        #expect(changes.map(\.at) == [1_774_746_000, 1_792_890_000])
        #expect(changes.map(\.to.name) == ["CEST", "CET"])
        #expect(changes.first?.to == .init(offset: 7200, isDaylight: true, name: "CEST"))
        let tokyo = TimeZoneDatabase.transitions(zone: "Asia/Tokyo", from: 1_767_225_600, to: 1_798_761_600)
        #expect(tokyo.initial.offset == 32400 && tokyo.changes.isEmpty)
    }

    @Test func namesAZoneWithoutAnAbbreviationByItsOffset() {
        #expect(TimeZoneDatabase.format(1_796_148_000, zone: "Asia/Dubai", "%H:%M %Z") == "22:00 UTC+04")
    }

    @Test func showsUTCForAZoneItDoesNotKnow() {
        #expect(TimeZoneDatabase.format(1_796_148_000, zone: "Mars/Base", "%H:%M %Z") == "18:00 UTC")
    }

    @Test func knowsLinksToZones() {
        #expect(TimeZoneDatabase.contains("US/Eastern"))
        #expect(TimeZoneDatabase.contains("Asia/Calcutta"))
    }

    @Test func leavesTheProcessZoneAsItWas() {
        func zone() -> String? { ProcessEnvironment.lock.withLock { _ in getenv("TZ").map { String(cString: $0) } } }
        ProcessEnvironment.lock.withLock { _ in _ = setenv("TZ", "Asia/Tokyo", 1) }
        _ = TimeZoneDatabase.format(0, zone: "Europe/Paris", "%H")
        #expect(zone() == "Asia/Tokyo")
        ProcessEnvironment.lock.withLock { _ in _ = unsetenv("TZ") }
        _ = TimeZoneDatabase.format(0, zone: "Europe/Paris", "%H")
        #expect(zone() == nil)
    }
}
