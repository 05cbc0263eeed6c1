import FoundationEssentials
import Glibc

/// How far behind its database a replica is.
///
/// The lag is 0 when the replica's newest LTX file was cut no earlier than the database's
/// last write (the `-wal` file's modification time: every commit writes it). Otherwise the
/// oldest commit the replica lacks was made after that file was cut (Litestream cuts a file
/// from what the WAL holds when it reads it) and, when the notifier's `ReplicationMonitor`
/// watches, after its last look that found the replica complete: the lag is the time since
/// the later of the two, an upper bound on the age of that commit. Nil when there is nothing
/// to compare: nothing replicated yet, or a remote replica nobody has asked.
package enum ReplicationLag {
    /// The lag given the database's last write and the replica's position; `completeAt`:
    /// when the replica was last seen holding every write.
    package static func seconds(lastWrite: Double?, replicated: ReplicaPosition?, completeAt: Double? = nil, now: Double) -> Double? {
        guard let lastWrite, let replicated else { return nil }
        guard lastWrite > replicated.timestamp else { return 0 }
        return max(0, now - max(replicated.timestamp, completeAt ?? replicated.timestamp))
    }

    /// The lag of the database at `path` behind the replica directory `replica`.
    package static func seconds(database path: String, replica: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        seconds(lastWrite: lastWrite(ofDatabaseAt: path), replicated: ReplicaPosition.newest(inDirectory: replica), now: now)
    }

    /// The lag of the auth database and of each venue in `venueIDs`, labelled `auth` and
    /// `venue:ID` as in the WAL metrics; empty without a replica. The monitor's figures when
    /// it is running (they are tighter); otherwise measured here: a `file://` replica from its
    /// files, a remote one only when `askingRemote` (a `litestream ltx` per database, too slow
    /// for a metrics scrape), else nil.
    package static func perDatabase(
        configuration: Configuration, venueIDs: [String], askingRemote: Bool = false, now: Double = Date().timeIntervalSince1970
    ) -> [(database: String, seconds: Double?)] {
        guard let replica = configuration.replica else { return [] }
        let databases = ReplicatedDatabase.all(configuration: configuration, replica: replica, venueIDs: venueIDs)
        if let sample = ReplicationMonitor.Sample.read(dataDirectory: configuration.dataDirectory), now - sample.sampledAt <= 10 {
            return databases.map { ($0.label, sample.lags[$0.label] ?? nil) }
        }
        return databases.map { database in
            guard replica.localDirectory != nil || askingRemote else { return (database.label, nil) }
            let position = try? ReplicaPosition.of(database: database.path, url: database.url, replica: replica)
            return (database.label, seconds(lastWrite: lastWrite(ofDatabaseAt: database.path), replicated: position ?? nil, now: now))
        }
    }

    /// When the database at `path` last changed: its WAL's mtime, else the file's own.
    package static func lastWrite(ofDatabaseAt path: String) -> Double? {
        modificationTime(path + "-wal") ?? modificationTime(path)
    }

    private static func modificationTime(_ path: String) -> Double? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }
}

/// A database Litestream replicates: its label in the metrics, its file, its replica's URL.
package struct ReplicatedDatabase: Sendable, Equatable {
    package let label: String
    package let path: String
    package let url: String

    /// The auth database, then each venue of `venueIDs`.
    package static func all(configuration: Configuration, replica: ReplicaTarget, venueIDs: [String]) -> [ReplicatedDatabase] {
        [ReplicatedDatabase(label: "auth", path: configuration.authDatabasePath, url: replica.authURL)]
            + venueIDs.map {
                ReplicatedDatabase(label: "venue:\($0)", path: "\(configuration.venuesDirectory)/\($0).sqlite", url: replica.venueURL($0))
            }
    }
}
