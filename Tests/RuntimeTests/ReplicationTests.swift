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
        let replica = try ReplicaTarget(text, sshKeyPath: "/etc/booking/replica-key", sshHostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA")
        #expect(replica.url == url)
        #expect(replica.venueURL("opera") == url + "/venues/opera.sqlite")
        #expect(replica.authURL == url + "/auth.sqlite")
        #expect((replica.localDirectory != nil) == url.hasPrefix("file://"))
    }

    @Test func anS3QueryStaysOnEveryDatabasesURLAfterItsPath() throws {
        let replica = try ReplicaTarget("s3://bookings/prod/?endpoint=http://127.0.0.1:9000&region=eu-1")
        #expect(replica.url == "s3://bookings/prod")
        #expect(replica.venueURL("opera") == "s3://bookings/prod/venues/opera.sqlite?endpoint=http://127.0.0.1:9000&region=eu-1")
        #expect(replica.venuesURL == "s3://bookings/prod/venues?endpoint=http://127.0.0.1:9000&region=eu-1")
        #expect(replica.authURL == "s3://bookings/prod/auth.sqlite?endpoint=http://127.0.0.1:9000&region=eu-1")
        #expect(replica.localDirectory == nil)
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("/srv/replica?x=1") }
    }

    @Test func anSFTPReplicaNeedsALoginKeyAndTheServersHostKey() throws {
        let hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA backup-host"
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("sftp://backup@host/srv/booking", sshHostKey: hostKey) }
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("sftp://backup@host/srv/booking", sshKeyPath: "/etc/booking/key") }
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("sftp://host/srv/booking", sshKeyPath: "/k", sshHostKey: hostKey) }
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("sftp://b@host/srv", sshKeyPath: "relative/key", sshHostKey: hostKey) }
        #expect(throws: ConfigurationError.self) { try ReplicaTarget("sftp://b@host/srv", sshKeyPath: "/k", sshHostKey: "not a key") }
        _ = try ReplicaTarget("sftp://backup:secret@host/srv/booking", sshHostKey: hostKey)  // a password instead of a key
        let configuration = try Configuration(environment: [
            "BOOKING_DATA_DIR": "/var/lib/booking", "BOOKING_REPLICA": "sftp://backup@host:2222/srv/booking",
            "BOOKING_REPLICA_SSH_KEY": "/etc/booking/replica-key", "BOOKING_REPLICA_SSH_HOST_KEY": hostKey,
        ])
        let text = LitestreamConfig.render(configuration: configuration, replica: configuration.replica!)
        #expect(
            text.contains(
                "url: \"sftp://backup@host:2222/srv/booking/venues\"\n      sync-interval: 1s\n      key-path: \"/etc/booking/replica-key\"\n      host-key: \"\(hostKey)\""
            ))
        #expect(configuration.unknownSettings.isEmpty)
        let single = LitestreamConfig.single(
            path: "/var/lib/booking/auth.sqlite", url: configuration.replica!.authURL, replica: configuration.replica!)
        #expect(
            single.hasPrefix(
                "dbs:\n  - path: \"/var/lib/booking/auth.sqlite\"\n    replica:\n      url: \"sftp://backup@host:2222/srv/booking/auth.sqlite\""))
        #expect(single.contains("key-path: \"/etc/booking/replica-key\""))
    }

    @Test func aRemoteReplicasPositionIsItsNewestListedFile() throws {
        let listing = """
            [{"level":0,"min_txid":"0000000000000001","max_txid":"0000000000000001","size":5,"timestamp":"2026-12-08T01:17:12Z"},
             {"level":1,"min_txid":"0000000000000001","max_txid":"00000000000000a2","size":5,"timestamp":"2026-12-08T01:17:40Z"},
             {"level":9,"min_txid":"0000000000000001","max_txid":"0000000000000002","size":5,"timestamp":"2026-12-08T01:17:13Z"}]
            """
        let position = try ReplicaPosition.parse(listing: Array(listing.utf8))
        #expect(position == ReplicaPosition(txid: 0xa2, timestamp: 1_796_692_660))
        #expect(try ReplicaPosition.parse(listing: Array("null".utf8)) == nil)
        #expect(try ReplicaPosition.parse(listing: Array("[]".utf8)) == nil)
        #expect(throws: ChildProcess.Failure.self) { try ReplicaPosition.parse(listing: Array("Error: no replica".utf8)) }
        #expect(throws: ChildProcess.Failure.self) {
            try ReplicaPosition.parse(listing: Array(#"[{"max_txid":"zz","timestamp":"2026-12-08T01:17:12Z"}]"#.utf8))
        }
    }

    @Test func watchingTightensTheLagToTheLastLookThatFoundTheReplicaComplete() {
        let replicated = ReplicaPosition(txid: 7, timestamp: 1000)
        #expect(ReplicationLag.seconds(lastWrite: 999, replicated: replicated, now: 1100) == 0)
        #expect(ReplicationLag.seconds(lastWrite: 1099, replicated: replicated, now: 1100) == 100, "without a watch: since the newest file")
        #expect(ReplicationLag.seconds(lastWrite: 1099, replicated: replicated, completeAt: 1098.5, now: 1100) == 1.5)
        #expect(ReplicationLag.seconds(lastWrite: 1099, replicated: replicated, completeAt: 900, now: 1100) == 100)
        #expect(ReplicationLag.seconds(lastWrite: nil, replicated: replicated, now: 1100) == nil)
        #expect(ReplicationLag.seconds(lastWrite: 1, replicated: nil, now: 1100) == nil)
    }

    @Test func theMonitorsFiguresRoundTripThroughItsFile() throws {
        let root = "/tmp/booking-monitor-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let sample = ReplicationMonitor.Sample(sampledAt: 1_796_692_660.25, lags: ["auth": 0, "venue:opera": 1.5, "venue:new": nil])
        sample.write(dataDirectory: root)
        #expect(ReplicationMonitor.Sample.read(dataDirectory: root) == sample)
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
