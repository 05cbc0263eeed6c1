import Testing

@testable import Runtime

@Suite("Which scheduled backups are kept")
struct BackupRetentionTests {
    /// Seconds of a UTC time named like a backup directory.
    func at(_ name: String) -> Int { BackupRetention.time(ofName: name)! }

    @Test func aBackupIsNamedByItsTimeAndTheNameReadsBack() {
        #expect(BackupRetention.name(at: 1_796_692_660) == "2026-12-08T011740Z")
        #expect(BackupRetention.time(ofName: "2026-12-08T011740Z") == 1_796_692_660)
        for other in [".partial-2026-12-08T011740Z", "2026-12-08T01:17:40Z", "notes.txt", "2026-13-08T011740Z", ""] {
            #expect(BackupRetention.time(ofName: other) == nil, "\(other) is not a backup")
        }
    }

    @Test func theNewestOfEachOfTheLastDaysAndWeeksIsKept() {
        let backups = [
            "2026-11-01T033000Z",  // a Sunday, four weeks back
            "2026-11-20T033000Z", "2026-11-23T033000Z",  // Friday and the Monday after
            "2026-11-30T010000Z", "2026-11-30T020000Z",  // two on one day: the later counts
            "2026-12-07T033000Z", "2026-12-08T033000Z",
        ].map(at)
        let kept = BackupRetention.kept(backups, daily: 2, weekly: 3)
        #expect(kept == Set(["2026-12-08T033000Z", "2026-12-07T033000Z", "2026-11-30T020000Z", "2026-11-23T033000Z"].map(at)))
        #expect(BackupRetention.kept(backups, daily: 1, weekly: 0) == [at("2026-12-08T033000Z")])
        #expect(BackupRetention.kept(backups, daily: 30, weekly: 0).count == 6, "one a day, however many days are asked")
        #expect(BackupRetention.kept([], daily: 7, weekly: 4).isEmpty)
    }
}
