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

    /// Snapshots the auth database and every venue (or one) into `directory`.
    static func backup(services: Services, to directory: String, venue: VenueID?) throws -> [String] {
        let venuesDirectory = directory + "/venues"
        try FileManager.default.createDirectory(atPath: venuesDirectory, withIntermediateDirectories: true)
        var written: [String] = []
        func snapshot(_ source: String, _ destination: String) throws {
            guard !FileManager.default.fileExists(atPath: destination) else {
                throw Failure(description: "\(destination) exists; back up into an empty directory")
            }
            try DatabaseFiles.snapshot(databaseAt: source, to: destination)
            written.append(destination)
        }
        if venue == nil { try snapshot(services.configuration.authDatabasePath, directory + "/auth.sqlite") }
        for id in try venue.map({ [$0] }) ?? services.venues.allIDs() {
            try snapshot(services.venues.filePath(id), "\(venuesDirectory)/\(id.value).sqlite")
        }
        return written
    }

    /// Puts the venue files (and, for a full restore, the auth database) of a backup in place.
    static func restore(services: Services, from directory: String, venue: VenueID?) throws -> [String] {
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
