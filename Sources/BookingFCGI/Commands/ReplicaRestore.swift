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
        /// Named by the auth database's registry rather than found in the replica: it may
        /// have been created too shortly before the loss to have a replica yet.
        var mayBeMissing = false
    }

    static func restore(services: Services, replica: ReplicaTarget, at time: Date?, venue: VenueID?) throws -> [String] {
        let work = services.configuration.dataDirectory + "/.restoring-\(getpid())"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let auth = Item(url: replica.authURL, target: services.configuration.authDatabasePath, isVenue: false)
        var restored: [(Item, String)] = []
        var items: [Item]
        if let venue {
            items = [Item(url: replica.venueURL(venue.value), target: services.venues.filePath(venue), isVenue: true)]
            if let directory = replica.localDirectory, !FileManager.default.fileExists(atPath: "\(directory)/venues/\(venue.value).sqlite") {
                throw Failure(description: "\(replica.url) has no replica of venue \(venue.value)")
            }
        } else if replica.localDirectory != nil {
            items = [auth] + (try venuesListed(in: replica, services: services))
        } else {
            // A remote replica cannot be listed: the restored auth database names the venues.
            try refuseIfOpen([auth])
            let file = try restoreOne(auth, replica: replica, at: time, into: work, index: 0)
            restored.append((auth, file))
            items = try AuthStore(path: file, synchronous: .full).registeredVenueIDs().compactMap(VenueID.init).map { id in
                Item(url: replica.venueURL(id.value), target: services.venues.filePath(id), isVenue: true, mayBeMissing: true)
            }
        }
        try refuseIfOpen(items)
        for (index, item) in items.enumerated() {
            let file = try restoreOne(item, replica: replica, at: time, into: work, index: index + 1)
            if FileManager.default.fileExists(atPath: file) {
                restored.append((item, file))
            } else {
                print("warning: \(item.target) has no replica (made less than the replication lag before the loss?); not restored")
            }
        }
        for (item, temporary) in restored {
            // The replaced database's WAL and index must not be applied to the restored one,
            // nor Litestream's position in it to the next replication.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: item.target + suffix) }
            try? FileManager.default.removeItem(atPath: ReplicaPosition.stateDirectory(ofDatabase: item.target))
            guard rename(temporary, item.target) == 0 else { throw Failure(description: "cannot put \(item.target) in place: errno \(errno)") }
        }
        return restored.map(\.0.target)
    }

    /// The auth database must be in a directory replica, and the venues are its files.
    static func venuesListed(in replica: ReplicaTarget, services: Services) throws -> [Item] {
        guard let directory = replica.localDirectory, FileManager.default.fileExists(atPath: directory + "/auth.sqlite") else {
            throw Failure(description: "\(replica.url) is not a replica of this system (no auth.sqlite in it)")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/venues")) ?? []
        return names.filter { $0.hasSuffix(".sqlite") }.compactMap { VenueID(String($0.dropLast(".sqlite".count))) }
            .sorted { $0.value < $1.value }
            .map { Item(url: replica.venueURL($0.value), target: services.venues.filePath($0), isVenue: true) }
    }

    static func refuseIfOpen(_ items: [Item]) throws {
        for item in items {
            if let holder = Backup.openBy(item.target) {
                throw Failure(
                    description: "\(item.target) is open in process \(holder); stop booking-fcgi, booking-notifier and booking-litestream first")
            }
        }
    }

    /// Restores `item` into a file of `work` and checks it; answers the file, which does not
    /// exist when a registry's venue has no replica.
    static func restoreOne(_ item: Item, replica: ReplicaTarget, at time: Date?, into work: String, index: Int) throws -> String {
        let output = "\(work)/\(index).sqlite"
        let config = "\(work)/\(index).yml"
        // Written for the call (0600): a bare URL on litestream's command line carries no sftp keys.
        do { try SmallFile.create(config, with: Array(LitestreamConfig.single(path: item.target, url: item.url, replica: replica).utf8)) } catch {
            throw Failure(description: error.description)
        }
        var arguments = ["litestream", "restore", "-no-expand-env", "-config", config, "-o", output]
        if item.mayBeMissing { arguments.append("-if-replica-exists") }
        if let time {
            let timed = try ChildProcess.run(arguments + ["-timestamp", litestreamTime(time), item.target], keepingOutput: true)
            if timed.exitCode != 0 {
                // Litestream 0.5.17 answers "timestamp does not exist" for a time after the
                // replica's newest file, though nothing changed after it: then it is the latest.
                let errors = String(decoding: timed.errors, as: UTF8.self)
                let newest = try? ReplicaPosition.of(database: item.target, url: item.url, replica: replica)
                guard errors.contains("timestamp does not exist"), let newest = newest ?? nil,
                    time.timeIntervalSince1970 >= newest.timestamp.rounded(.down)
                else {
                    throw Failure(description: "litestream restore of \(item.target) failed (\(timed.ending)): \(errors.trimmingWhitespace)")
                }
                try run(arguments + [item.target])
            }
        } else {
            try run(arguments + [item.target])
        }
        guard FileManager.default.fileExists(atPath: output) else {
            if item.mayBeMissing { return output }
            throw Failure(description: "litestream restored nothing for \(item.target)")
        }
        let problems = try Checker.check(path: output, venue: item.isVenue)
        guard problems.isEmpty else {
            throw Failure(description: "the replica of \(item.target) fails its check: \(problems.joined(separator: "; "))")
        }
        return output
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`: Litestream compares times to the millisecond.
    static func litestreamTime(_ time: Date) -> String {
        let seconds = time.timeIntervalSince1970.rounded(.down)
        let milliseconds = Int(((time.timeIntervalSince1970 - seconds) * 1000).rounded(.down))
        let fraction = String(1000 + milliseconds).dropFirst()
        return RFC3339.string(fromSeconds: Int(seconds)).dropLast() + ".\(fraction)Z"
    }

    /// Runs `arguments` with this process's output; throws unless it exits 0.
    static func run(_ arguments: [String]) throws {
        let outcome: ChildProcess.Outcome
        do { outcome = try ChildProcess.run(arguments, keepingOutput: false) } catch {
            throw Failure(description: "\(error.description) (scripts/install-deps.sh installs it)")
        }
        guard outcome.exitCode == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) failed (\(outcome.ending); its reason is above)")
        }
    }
}
