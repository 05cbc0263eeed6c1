import FoundationEssentials
import Glibc
import Runtime
import Storage

/// `scheduled-backup` (run daily by booking-backup.timer): a full backup into a new
/// directory of the backup directory named by its time, made under a `.partial-` name and
/// renamed once its manifest is written; then the backups the retention does not keep are
/// removed (`BackupRetention`).
enum BackupSchedule {
    /// Makes today's backup and prunes; answers the new backup's directory and the removed ones.
    static func run(services: Services, settings: String?) throws -> (made: String, removed: [String]) {
        let configuration = services.configuration
        let root = configuration.backupDirectory
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let now = services.now()
        let final = "\(root)/\(BackupRetention.name(at: now))"
        guard !FileManager.default.fileExists(atPath: final) else { throw Backup.Failure(description: "\(final) exists already") }
        let partial = "\(root)/.partial-\(BackupRetention.name(at: now))"
        try? FileManager.default.removeItem(atPath: partial)
        _ = try Backup.backup(services: services, to: partial, venue: nil, settings: settings)
        guard rename(partial, final) == 0 else { throw Backup.Failure(description: "cannot rename \(partial) to \(final): errno \(errno)") }
        var removed: [String] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: root)
        let backups = names.compactMap { name in BackupRetention.time(ofName: name).map { (name, $0) } }
        let keep = BackupRetention.kept(backups.map(\.1), daily: configuration.backupKeepDaily, weekly: configuration.backupKeepWeekly)
        for (name, time) in backups where !keep.contains(time) {
            try FileManager.default.removeItem(atPath: "\(root)/\(name)")
            removed.append("\(root)/\(name)")
        }
        // A backup cut short (the machine stopped) leaves a partial directory; the next run clears it.
        for name in names where name.hasPrefix(".partial-") && "\(root)/\(name)" != partial {
            try? FileManager.default.removeItem(atPath: "\(root)/\(name)")
        }
        return (final, removed)
    }
}
