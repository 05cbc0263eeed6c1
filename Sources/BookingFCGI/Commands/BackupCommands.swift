import ArgumentParser
import Common
import FoundationEssentials
import Runtime
import Storage

/// What a backup or restore covers, named explicitly: one venue, or everything.
struct Scope: ParsableArguments {
    @Option(help: "Only this venue.") var venue: String?
    @Flag(help: "Every venue and the auth database.") var all = false

    /// The venue, or nil for everything. Checked when the command runs, after the parser has
    /// refused unknown options (a typo such as `--venu` is named as such).
    func venueID() throws -> VenueID? {
        switch (venue, all) {
        case (nil, false): throw ValidationError("name what to cover: --venue ID or --all")
        case (.some, true): throw ValidationError("--venue and --all exclude each other")
        case (let raw?, false):
            guard let id = VenueID(raw) else { throw ValidationError("\(raw) is not a venue id") }
            return id
        case (nil, true): return nil
        }
    }
}

/// `backup`: consistent snapshots of the live databases.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Snapshot the live databases (VACUUM INTO) into an empty directory, while bookings go on.")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "The directory to write the backup to.") var to: String
    @OptionGroup var scope: Scope

    func run() throws {
        let venue = try scope.venueID()
        let services = try options.services("cli")
        let settings = SettingsFile.directory(over: ProcessInfo.processInfo.environment)
        for path in try Backup.backup(services: services, to: to, venue: venue, settings: settings) { print("wrote \(path)") }
    }
}

/// `scheduled-backup`: what booking-backup.timer runs daily.
struct ScheduledBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduled-backup",
        abstract:
            "Back up everything (settings included) into a new dated directory of BOOKING_BACKUP_DIR and remove the backups retention no longer keeps."
    )

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let services = try options.servicesForWriting("scheduled-backup")
        let outcome = try BackupSchedule.run(services: services, settings: SettingsFile.directory(over: ProcessInfo.processInfo.environment))
        print("backed up into \(outcome.made)")
        for path in outcome.removed { print("removed \(path) (past retention)") }
    }
}

/// `restore`: a backup, or a replica as of now or of a point in time, put in place with the
/// services stopped.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup or a replica in place (services stopped): check it, swap the files, rebuild the catalog.")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "The backup directory.") var from: String?
    @Option(help: "The replica (as BOOKING_REPLICA: a directory, file://, sftp:// or s3:// URL).") var fromReplica: String?
    @Option(help: "With --from-replica: the state as of this RFC 3339 time (default: the latest).") var at: String?
    @OptionGroup var scope: Scope

    func run() throws {
        let venue = try scope.venueID()
        switch (from, fromReplica) {
        case (let from?, nil):
            guard at == nil else { throw ValidationError("--at goes with --from-replica; a backup has one time") }
            let services = try options.servicesForWriting("restore --from \(from) ...")
            for path in try Backup.restore(services: services, from: from, venue: venue) { print("restored \(path)") }
            try rebuildCatalog(services)
        case (nil, let url?):
            let configuration = try options.configuration()
            let replica: ReplicaTarget
            do { replica = try configuration.replicaTarget(url) } catch { throw ValidationError("--from-replica: \(error)") }
            let time = try at.map { text in
                guard let date = RFC3339.date(from: text) else {
                    throw ValidationError("--at needs an RFC 3339 time such as 2026-11-23T18:30:00Z, not \(text)")
                }
                return date
            }
            let services = try options.servicesForWriting("restore --from-replica \(url) ...")
            for path in try ReplicaRestore.restore(services: services, replica: replica, at: time, venue: venue) { print("restored \(path)") }
            try rebuildCatalog(services)
        case (nil, nil): throw ValidationError("name what to restore from: --from DIR or --from-replica URL")
        case (.some, .some): throw ValidationError("--from and --from-replica exclude each other")
        }
    }

    private func rebuildCatalog(_ services: Services) throws {
        try services.catalog.rebuild(from: services.venues)
        print("rebuilt the catalog")
    }
}
