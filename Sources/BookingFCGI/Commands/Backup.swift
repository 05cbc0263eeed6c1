import FoundationEssentials
import Glibc
import Runtime
import Storage

/// `backup` and `restore`. A backup is a consistent snapshot of each live database made
/// with `VACUUM INTO` (never a plain copy of a WAL file), taken while bookings go on. A
/// restore swaps a venue file only when no process has it open, and removes the stale
/// `-wal`/`-shm` files that belonged to the replaced database.
enum Backup {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Snapshots the auth database and every venue (or one) into `directory`, with a full
    /// backup the settings directory (`settings`, e.g. /etc/booking) too, then writes the
    /// manifest. Answers the files written.
    static func backup(services: Services, to directory: String, venue: VenueID?, settings: String? = nil) throws -> [String] {
        let venuesDirectory = directory + "/venues"
        guard !FileManager.default.fileExists(atPath: "\(directory)/\(BackupManifest.fileName)") else {
            throw Failure(description: "\(directory) holds a backup; back up into an empty directory")
        }
        try FileManager.default.createDirectory(atPath: venuesDirectory, withIntermediateDirectories: true)
        var written: [String] = []
        func snapshot(_ source: String, _ relative: String) throws {
            let destination = "\(directory)/\(relative)"
            guard !FileManager.default.fileExists(atPath: destination) else {
                throw Failure(description: "\(destination) exists; back up into an empty directory")
            }
            try DatabaseFiles.snapshot(databaseAt: source, to: destination)
            written.append(relative)
        }
        if venue == nil { try snapshot(services.configuration.authDatabasePath, "auth.sqlite") }
        for id in try venue.map({ [$0] }) ?? services.venues.allIDs() {
            try snapshot(services.venues.filePath(id), "venues/\(id.value).sqlite")
        }
        if venue == nil, let settings { written += try copySettings(from: settings, into: directory) }
        _ = try BackupManifest.write(in: directory, paths: written, createdAt: services.now())
        return written.map { "\(directory)/\($0)" } + ["\(directory)/\(BackupManifest.fileName)"]
    }

    /// The regular files of the settings directory (booking.env, keys) into `etc/`, owner-only:
    /// they hold secrets. A directory that does not exist (a development machine) adds nothing.
    static func copySettings(from settings: String, into directory: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: settings) else { return [] }
        var copied: [String] = []
        for name in names.sorted() {
            let source = "\(settings)/\(name)"
            var status = stat()
            guard lstat(source, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            guard let data = FileManager.default.contents(atPath: source) else {
                throw Failure(description: "cannot read \(source) (run as root or as the booking user)")
            }
            if copied.isEmpty { try FileManager.default.createDirectory(atPath: directory + "/etc", withIntermediateDirectories: true) }
            do { try SmallFile.create("\(directory)/etc/\(name)", with: Array(data), mode: 0o600) } catch {
                throw Failure(description: error.description)
            }
            copied.append("etc/\(name)")
        }
        return copied
    }

    /// Puts the venue files (and, for a full restore, the auth database) of a backup in place.
    static func restore(services: Services, from directory: String, venue: VenueID?) throws -> [String] {
        _ = try BackupManifest.verified(in: directory)
        var pairs: [(String, String)] = []
        let ids: [VenueID]
        if let venue {
            ids = [venue]
        } else {
            ids = try FileManager.default.contentsOfDirectory(atPath: directory + "/venues").filter { $0.hasSuffix(".sqlite") }
                .compactMap { VenueID(String($0.dropLast(7))) }
            pairs.append((directory + "/auth.sqlite", services.configuration.authDatabasePath))
        }
        for id in ids { pairs.append(("\(directory)/venues/\(id.value).sqlite", services.venues.filePath(id))) }
        // Check everything before touching anything.
        for (source, target) in pairs {
            guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "\(source) is not in the backup") }
            let problems = try Checker.check(path: source, venue: target.hasSuffix(".sqlite") && target != services.configuration.authDatabasePath)
            guard problems.isEmpty else { throw Failure(description: "\(source) fails its check: \(problems.joined(separator: "; "))") }
            if let holder = openBy(target) {
                throw Failure(description: "\(target) is open in process \(holder); stop booking-fcgi and booking-notifier first")
            }
        }
        for (source, target) in pairs {
            let temporary = target + ".restoring"
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            guard rename(temporary, target) == 0 else { throw Failure(description: "cannot put \(target) in place: errno \(errno)") }
            // The replaced database's WAL and index must not be applied to the restored one.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
        }
        return pairs.map(\.1)
    }

    /// The pid of a process that has `path` (or its -wal/-shm) open, if any (Linux /proc).
    static func openBy(_ path: String) -> Int32? {
        let targets = Set([path, path + "-wal", path + "-shm"].map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        guard let processes = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in processes {
            guard let pid = Int32(entry), pid != getpid(),
                let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd")
            else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(fd)"), targets.contains(target) {
                    return pid
                }
            }
        }
        return nil
    }
}
