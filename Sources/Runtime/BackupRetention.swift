import Common

/// Which scheduled backups are kept, by the times their directories are named after.
package enum BackupRetention {
    /// `2026-12-08T014500Z`: RFC 3339 in UTC without the colons, which some tools refuse
    /// in file names; sorts by time.
    package static func name(at seconds: Int) -> String { RFC3339.string(fromSeconds: seconds).filter { $0 != ":" } }

    /// The time a backup's directory name stands for, or nil for another name.
    package static func time(ofName name: String) -> Int? {
        let characters = Array(name)
        guard characters.count == 18, characters[10] == "T", characters[17] == "Z" else { return nil }
        let text = String(characters[0..<13]) + ":" + String(characters[13..<15]) + ":" + String(characters[15..<18])
        return RFC3339.date(from: text).map { Int($0.timeIntervalSince1970) }
    }

    /// Which backups (by time) to keep: the newest of each of the `daily` most recent days
    /// that have one, and of each of the `weekly` most recent weeks (Monday to Sunday, UTC).
    package static func kept(_ times: [Int], daily: Int, weekly: Int) -> Set<Int> {
        let newestFirst = times.sorted(by: >)
        func newest(per period: (Int) -> Int, count: Int) -> [Int] {
            var seen = Set<Int>()
            var chosen: [Int] = []
            for time in newestFirst where seen.count < count && seen.insert(period(time)).inserted { chosen.append(time) }
            return chosen
        }
        let day = { (time: Int) in Int((Double(time) / 86400).rounded(.down)) }
        // 1970-01-01 was a Thursday: three days on, weeks start on Mondays.
        let week = { (time: Int) in Int((Double(day(time) + 3) / 7).rounded(.down)) }
        return Set(newest(per: day, count: daily) + newest(per: week, count: weekly))
    }

}
