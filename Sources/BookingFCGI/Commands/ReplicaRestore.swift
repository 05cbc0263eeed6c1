import Common
import FoundationEssentials
import Glibc
import Runtime
import Storage

/// `restore --from-replica`: each database rebuilt by `litestream restore` (to the latest
/// state, or to a point in time) into a temporary file in the data directory, checked like a
/// backup (`integrity_check`, the booking invariants), and only then moved into place, all
/// of them or none. Like `Backup.restore`, refused while any process has a target open.
enum ReplicaRestore {
    typealias Failure = Backup.Failure

    /// One database to restore: where its replica is, where it goes.
    struct Item {
        let url: String
        let target: String
        let isVenue: Bool
    }

    static func restore(services: Services, replica: ReplicaTarget, at time: Date?, venue: VenueID?) throws -> [String] {
        let items = try self.items(services: services, replica: replica, venue: venue)
        for item in items {
            if let holder = Backup.openBy(item.target) {
                throw Failure(
                    description: "\(item.target) is open in process \(holder); stop booking-fcgi, booking-notifier and booking-litestream first")
            }
        }
        let work = services.configuration.dataDirectory + "/.restoring-\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var restored: [(Item, String)] = []
        for (index, item) in items.enumerated() {
            let temporary = "\(work)/\(index).sqlite"
            try run(litestreamRestore(item: item, replica: replica, at: time, output: temporary))
            let problems = try Checker.check(path: temporary, venue: item.isVenue)
            guard problems.isEmpty else {
                throw Failure(description: "the replica of \(item.target) fails its check: \(problems.joined(separator: "; "))")
            }
            restored.append((item, temporary))
        }
        for (item, temporary) in restored {
            // The replaced database's WAL and index must not be applied to the restored one,
            // nor Litestream's position in it to the next replication.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: item.target + suffix) }
            try? FileManager.default.removeItem(atPath: litestreamStateDirectory(of: item.target))
            guard rename(temporary, item.target) == 0 else { throw Failure(description: "cannot put \(item.target) in place: errno \(errno)") }
        }
        return items.map(\.target)
    }

    /// The auth database and every venue of the replica, or one venue. Listing the venues
    /// needs a replica this host can read; a remote one is restored venue by venue.
    static func items(services: Services, replica: ReplicaTarget, venue: VenueID?) throws -> [Item] {
        if let venue {
            if let directory = replica.localDirectory, !FileManager.default.fileExists(atPath: "\(directory)/venues/\(venue.value).sqlite") {
                throw Failure(description: "\(replica.url) has no replica of venue \(venue.value)")
            }
            return [Item(url: replica.venueURL(venue.value), target: services.venues.filePath(venue), isVenue: true)]
        }
        guard let directory = replica.localDirectory else {
            throw Failure(
                description: "--all needs a replica this host can list (a directory or file://); restore a remote one with --venue ID for each venue")
        }
        guard FileManager.default.fileExists(atPath: directory + "/auth.sqlite") else {
            throw Failure(description: "\(replica.url) is not a replica of this system (no auth.sqlite in it)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/venues")) ?? []
        let venues = names.filter { $0.hasSuffix(".sqlite") }.compactMap { VenueID(String($0.dropLast(".sqlite".count))) }.sorted {
            $0.value < $1.value
        }
        return [Item(url: replica.authURL, target: services.configuration.authDatabasePath, isVenue: false)]
            + venues.map { Item(url: replica.venueURL($0.value), target: services.venues.filePath($0), isVenue: true) }
    }

    /// The arguments of `litestream restore`. A time after the replica's newest LTX file
    /// asks for the latest state (Litestream 0.5.17 answers "timestamp does not exist" for
    /// it, though nothing changed after that file).
    static func litestreamRestore(item: Item, replica: ReplicaTarget, at time: Date?, output: String) -> [String] {
        var arguments = ["litestream", "restore", "-o", output]
        if let time {
            let newest = replica.localDirectory.flatMap { base in
                ReplicationLag.newestLTXTimestamp(in: base + item.url.dropFirst(replica.url.count))
            }
            if newest.map({ time.timeIntervalSince1970 < $0 }) ?? true { arguments += ["-timestamp", litestreamTime(time)] }
        }
        return arguments + [item.url]
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`: Litestream compares times to the millisecond.
    static func litestreamTime(_ time: Date) -> String {
        let seconds = time.timeIntervalSince1970.rounded(.down)
        let milliseconds = Int(((time.timeIntervalSince1970 - seconds) * 1000).rounded(.down))
        let fraction = String(1000 + milliseconds).dropFirst()
        return RFC3339.string(fromSeconds: Int(seconds)).dropLast() + ".\(fraction)Z"
    }

    /// Where Litestream keeps its local position for the database at `path`.
    static func litestreamStateDirectory(of path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        return path[..<slash] + "." + path[slash...] + "-litestream"
    }

    /// Runs `arguments` (found on PATH) with this process's output; throws unless it exits 0.
    static func run(_ arguments: [String]) throws {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], nil, nil, &argv, environ)
        guard rc == 0 else {
            throw Failure(description: "cannot run \(arguments[0]): \(String(cString: strerror(rc))) (scripts/install-deps.sh installs it)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // waitpid's status: the exit code in bits 8-15 when the low 7 bits (the signal) are 0.
        let outcome = status & 0x7F == 0 ? "exit \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
        guard status == 0 else { throw Failure(description: "\(arguments.joined(separator: " ")) failed (\(outcome); its reason is above)") }
    }
}
