import FoundationEssentials
import Glibc
import Testing

@testable import Runtime

@Suite("Replication: BOOKING_REPLICA, the Litestream configuration, the lag")
struct ReplicationTests {
    @Test(arguments: [
        ("/srv/replica/", "file:///srv/replica"),
        ("file:///srv/replica", "file:///srv/replica"),
        ("sftp://backup@host.example/srv/booking", "sftp://backup@host.example/srv/booking"),
        ("s3://bucket/booking", "s3://bucket/booking"),
    ])
    func aReplicaIsADirectoryOrAURL(text: String, url: String) throws {
        let replica = try ReplicaTarget(text)
        #expect(replica.url == url)
        #expect(replica.venueURL("opera") == url + "/venues/opera.sqlite")
        #expect(replica.authURL == url + "/auth.sqlite")
        #expect((replica.localDirectory != nil) == url.hasPrefix("file://"))
    }

    @Test(arguments: ["relative/dir", "ftp://host/x", "sftp://host", "s3://", "file://", "/srv/with space"])
    func aBadReplicaIsRefusedAtStart(text: String) {
        #expect(throws: ConfigurationError.self) { try Configuration(environment: ["BOOKING_REPLICA": text]) }
    }

    @Test func withAReplicaTheAppLeavesTruncationToLitestream() throws {
        #expect(try Configuration(environment: [:]).truncatesWAL)
        #expect(try !Configuration(environment: ["BOOKING_REPLICA": "/srv/replica"]).truncatesWAL)
    }

    @Test func theConfigurationWatchesTheVenuesButNotTheFilesBeingCreated() throws {
        let configuration = try Configuration(environment: ["BOOKING_DATA_DIR": "/var/lib/booking", "BOOKING_REPLICA": "s3://b/p"])
        let text = LitestreamConfig.render(configuration: configuration, replica: configuration.replica!)
        #expect(text.contains("- dir: \"/var/lib/booking/venues\"\n    pattern: \"[^.]*.sqlite\"\n    watch: true"))
        #expect(text.contains("url: \"s3://b/p/venues\""))
        #expect(text.contains("- path: \"/var/lib/booking/auth.sqlite\""))
        #expect(text.contains("url: \"s3://b/p/auth.sqlite\""))
        #expect(!text.contains("catalog"))
    }

    @Test func lagIsZeroWhenTheReplicaHoldsTheLastWriteElseTheAgeOfItsNewestFile() throws {
        let root = "/tmp/booking-lag-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let database = root + "/db.sqlite"
        let replica = root + "/replica"
        try FileManager.default.createDirectory(atPath: replica + "/ltx/0", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: replica + "/ltx/9", withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: database + "-wal"))
        #expect(ReplicationLag.seconds(database: database, replica: replica) == nil, "nothing replicated yet")

        func setWALTime(_ seconds: Double) {
            var times = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, database + "-wal", &times, 0) == 0)
        }
        func ltx(_ level: Int, _ maxTXID: UInt64, milliseconds: UInt64) throws {
            var header: [UInt8] = Array("LTX1".utf8) + [UInt8](repeating: 0, count: 28)
            header += (0..<8).reversed().map { UInt8(truncatingIfNeeded: milliseconds >> (8 * UInt64($0))) }
            let hex = String(maxTXID, radix: 16)
            let name = String(repeating: "0", count: 15) + "1-" + String(repeating: "0", count: 16 - hex.count) + hex
            try Data(header).write(to: URL(fileURLWithPath: "\(replica)/ltx/\(level)/\(name).ltx"))
        }
        try ltx(9, 0x10, milliseconds: 1_000_000_000_000)
        try ltx(0, 0x1f, milliseconds: 1_000_000_005_000)  // the newest: highest TXID, read across levels
        setWALTime(1_000_000_004)
        #expect(ReplicationLag.seconds(database: database, replica: replica, now: 1_000_000_100) == 0)
        setWALTime(1_000_000_006)
        #expect(ReplicationLag.seconds(database: database, replica: replica, now: 1_000_000_007.5) == 2.5)
    }
}
