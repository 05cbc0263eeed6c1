import FoundationEssentials
import Glibc

/// How far behind its database a `file://` replica is, read from the replica's files.
///
/// The lag is 0 when the replica's newest LTX file was cut no earlier than the database's
/// last write (the `-wal` file's modification time: every commit writes it); otherwise it
/// is the age of that newest LTX file, an upper bound on the age of the oldest commit the
/// replica does not hold yet (Litestream stamps each file when it reads the WAL, and every
/// commit after that moment is all that is missing). A remote replica (sftp, s3) cannot be
/// read from here: its lag is nil, as is that of a database with nothing replicated yet.
package enum ReplicationLag {
    /// Seconds, or nil when there is nothing to compare (see above). `replica`: the directory
    /// Litestream writes this database's `ltx/<level>/` files to.
    package static func seconds(database path: String, replica: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        guard let lastWrite = lastWrite(ofDatabaseAt: path), let replicated = newestLTXTimestamp(in: replica) else { return nil }
        return lastWrite <= replicated ? 0 : max(0, now - replicated)
    }

    /// The lag of the auth database and of each venue in `venueIDs`, labelled `auth` and
    /// `venue:ID` as in the WAL metrics; empty without a replica. Nil where not measurable.
    package static func perDatabase(configuration: Configuration, venueIDs: [String], now: Double = Date().timeIntervalSince1970) -> [(
        database: String, seconds: Double?
    )] {
        guard let replica = configuration.replica else { return [] }
        func lag(_ path: String, _ url: String) -> Double? {
            guard let base = replica.localDirectory else { return nil }
            return seconds(database: path, replica: base + url.dropFirst(replica.url.count), now: now)
        }
        return [("auth", lag(configuration.authDatabasePath, replica.authURL))]
            + venueIDs.map { ("venue:\($0)", lag("\(configuration.venuesDirectory)/\($0).sqlite", replica.venueURL($0))) }
    }

    /// When the database at `path` last changed: its WAL's mtime, else the file's own.
    static func lastWrite(ofDatabaseAt path: String) -> Double? {
        modificationTime(path + "-wal") ?? modificationTime(path)
    }

    /// The timestamp (Unix seconds) in the header of the LTX file with the highest
    /// transaction id, over every compaction level.
    package static func newestLTXTimestamp(in replica: String) -> Double? {
        var newest: (txid: UInt64, path: String)?
        for level in 0...9 {
            let directory = "\(replica)/ltx/\(level)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                // MINTXID-MAXTXID.ltx, both 16 hex digits.
                guard name.hasSuffix(".ltx"), let dash = name.firstIndex(of: "-"),
                    let maxTXID = UInt64(name[name.index(after: dash)...].dropLast(4), radix: 16)
                else { continue }
                if newest == nil || maxTXID > newest!.txid { newest = (maxTXID, "\(directory)/\(name)") }
            }
        }
        return newest.flatMap { headerTimestamp(ofLTXFileAt: $0.path) }
    }

    /// An LTX header: "LTX1", flags, page size, commit (u32 each), min and max TXID (u64),
    /// then the timestamp in milliseconds (i64), big-endian.
    static func headerTimestamp(ofLTXFileAt path: String) -> Double? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 40)
        guard read(fd, &header, 40) == 40, header[0..<4] == [0x4C, 0x54, 0x58, 0x31] else { return nil }
        let milliseconds = header[32..<40].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(milliseconds) / 1000
    }

    private static func modificationTime(_ path: String) -> Double? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
    }
}
