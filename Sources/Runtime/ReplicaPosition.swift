import Common
import FoundationEssentials
import Glibc

/// How far a replica has got: its LTX file with the highest transaction id, and when
/// Litestream cut it. A `file://` replica is read from its files; any other through
/// `litestream ltx`, given a configuration that carries the replica's keys.
package struct ReplicaPosition: Sendable, Equatable {
    package let txid: UInt64
    /// When Litestream cut that file from the WAL (Unix seconds): every commit before it is
    /// in the replica.
    package let timestamp: Double

    package init(txid: UInt64, timestamp: Double) {
        self.txid = txid
        self.timestamp = timestamp
    }

    /// The position of the replica at `url` of the database at `path`; nil when nothing is
    /// replicated yet. A remote listing gives whole seconds, so its newest file's stamp is
    /// read from the local copy Litestream keeps of the files it cut, when it still has it.
    package static func of(database path: String, url: String, replica: ReplicaTarget, timeout: Double = 20) throws(ChildProcess.Failure)
        -> ReplicaPosition?
    {
        if let directory = replica.localDirectory(of: url) { return newest(inDirectory: directory) }
        guard let listed = try listing(database: path, url: url, replica: replica, timeout: timeout) else { return nil }
        let local = localTimestamp(ofDatabase: path, txid: listed.txid)
        return ReplicaPosition(txid: listed.txid, timestamp: local ?? listed.timestamp)
    }

    /// The newest of `litestream ltx -level all` for the database, which reads the replica
    /// named in a one-database configuration written for the call.
    static func listing(database path: String, url: String, replica: ReplicaTarget, timeout: Double) throws(ChildProcess.Failure)
        -> ReplicaPosition?
    {
        let directory = ProcessEnvironment.lock.withLock { _ in getenv("TMPDIR").map { String(cString: $0) } } ?? "/tmp"
        let config = "\(directory)/booking-litestream-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).yml"
        // 0600: it may hold an sftp password.
        do { try SmallFile.create(config, with: Array(LitestreamConfig.single(path: path, url: url, replica: replica).utf8)) } catch {
            throw ChildProcess.Failure(description: error.description)
        }
        defer { unlink(config) }
        let outcome = try ChildProcess.run(
            ["litestream", "ltx", "-no-expand-env", "-config", config, "-json", "-level", "all", path], keepingOutput: true, timeout: timeout)
        guard outcome.exitCode == 0 else {
            let reason = String(decoding: outcome.errors.suffix(400), as: UTF8.self).trimmingWhitespace
            throw ChildProcess.Failure(description: "litestream ltx for \(path) failed (\(outcome.ending)): \(reason)")
        }
        return try parse(listing: outcome.output)
    }

    /// `litestream ltx -json`: `[{level, min_txid, max_txid, size, timestamp}]`, the ids in
    /// hex, the time RFC 3339; `null` when the replica holds nothing.
    static func parse(listing bytes: [UInt8]) throws(ChildProcess.Failure) -> ReplicaPosition? {
        struct File: Decodable {
            let maxTXID: String
            let timestamp: String
            enum CodingKeys: String, CodingKey {
                case maxTXID = "max_txid"
                case timestamp
            }
        }
        let files: [File]?
        do { files = try JSONDecoder().decode([File]?.self, from: Data(bytes)) } catch {
            throw ChildProcess.Failure(description: "litestream ltx answered what is not its JSON listing: \(error)")
        }
        var newest: ReplicaPosition?
        for file in files ?? [] {
            guard let txid = UInt64(file.maxTXID, radix: 16), let time = RFC3339.date(from: file.timestamp)?.timeIntervalSince1970 else {
                throw ChildProcess.Failure(description: "litestream ltx listed a file without a hex id and a time: \(file.maxTXID) \(file.timestamp)")
            }
            if newest.map({ txid > $0.txid }) ?? true { newest = ReplicaPosition(txid: txid, timestamp: time) }
        }
        return newest
    }

    /// The newest LTX file in a replica directory's `ltx/<level>/` folders.
    package static func newest(inDirectory replica: String) -> ReplicaPosition? {
        var newest: (txid: UInt64, path: String)?
        for level in 0...9 {
            let directory = "\(replica)/ltx/\(level)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                guard let txid = maxTXID(ofFileNamed: name) else { continue }
                if newest.map({ txid > $0.txid }) ?? true { newest = (txid, "\(directory)/\(name)") }
            }
        }
        guard let newest, let timestamp = headerTimestamp(ofLTXFileAt: newest.path) else { return nil }
        return ReplicaPosition(txid: newest.txid, timestamp: timestamp)
    }

    /// The stamp of the level-0 file ending at `txid` that Litestream cut for the database
    /// at `path` and keeps beside it, if it still does.
    static func localTimestamp(ofDatabase path: String, txid: UInt64) -> Double? {
        let directory = stateDirectory(ofDatabase: path) + "/ltx/0"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where maxTXID(ofFileNamed: name) == txid {
            return headerTimestamp(ofLTXFileAt: "\(directory)/\(name)")
        }
        return nil
    }

    /// Where Litestream keeps its local state for the database at `path`: `.NAME-litestream`.
    package static func stateDirectory(ofDatabase path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        return path[..<slash] + "." + path[slash...] + "-litestream"
    }

    /// `MINTXID-MAXTXID.ltx`, both 16 hex digits.
    private static func maxTXID(ofFileNamed name: String) -> UInt64? {
        guard name.hasSuffix(".ltx"), let dash = name.firstIndex(of: "-") else { return nil }
        return UInt64(name[name.index(after: dash)...].dropLast(4), radix: 16)
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
}
