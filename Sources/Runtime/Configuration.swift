import Auth
import Common
import FoundationEssentials
import Glibc
import Storage

/// A bad setting, reported at start so the operator sees it before any request.
package struct ConfigurationError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Every setting of the server, read from `BOOKING_*` environment variables (the systemd
/// unit's `EnvironmentFile`, or `make run` variables). Defaults are the production ones.
package struct Configuration: Sendable {
    package var dataDirectory = "/var/lib/booking"
    package var socketPath = "/run/booking/fcgi.sock"
    package var socketMode: mode_t = 0o660
    /// One per core (at least two). Requests are CPU work: a worker answers every booking
    /// waiting for it as one batch, and each extra process both shrinks the batches and makes
    /// the others' SQLite page caches stale with its commits (measured: docs/benchmarks.md,
    /// third session, "one worker per core").
    package var workers = max(2, ProcessInfo.processInfo.activeProcessorCount)
    package var listenBacklog = 4096
    package var drainTimeout = 30.0
    package var synchronous = SynchronousMode.full
    package var holdTTL = 600
    package var maxBodyBytes = 1 << 20
    package var argon2MemoryKiB: UInt32 = 19456
    package var argon2Iterations: UInt32 = 2
    package var argon2Parallelism: UInt32 = 1
    package var hashingSlots = 2
    package var sessionTTL = 14 * 24 * 3600
    package var venueQuota = 20
    package var maxOpenVenues = 64
    package var paymentDeclineRate = 0.0
    package var paymentLatencyMs = 0
    package var nchanSocket: String? = nil
    package var publicOrigin: String? = nil
    package var sendmailPath = "/usr/sbin/sendmail"
    package var mailFrom = "bookings@localhost"
    package var publicURL = "http://localhost:8080"
    package var notifierIntervalMs = 500
    package var mailMaxAttempts = 8
    package var waitlistHoldTTL = 900
    /// Leading zero bits of a queue join's proof of work: 18 is about a second in a browser.
    package var queueDifficulty = 18
    /// `id:base64url-secret` pairs that sign queue passes, the first signing (rotation: put
    /// the new key first, drop the old one after the passes it signed expired). Nil: one key
    /// made on first use in the data directory (`queue.key`).
    package var queueKeys: [QueueKeys.Key]? = nil
    /// Where the notifier keeps a marker per queue in force, for nginx to refuse pass-less
    /// holds itself (`BOOKING_QUEUE_MARKERS`); nil: every hold reaches the pool.
    package var queueMarkers: String? = nil
    /// The readiness check's limits (`GET /api/health/ready`): seconds since the notifier's
    /// last round, seconds the oldest unsent email may wait, MiB the data disk keeps free,
    /// seconds a replica may lag.
    package var readyNotifierLag = 30
    package var readyMailAge = 900
    package var readyMinFreeMB = 256
    package var readyReplicationLag = 60
    /// Where `scheduled-backup` (booking-backup.timer) keeps its backups, and how many it
    /// keeps: the newest of each of the last `backupKeepDaily` days that have one, and of
    /// each of the last `backupKeepWeekly` weeks.
    package var backupDirectory = "/var/backups/booking"
    package var backupKeepDaily = 7
    package var backupKeepWeekly = 4
    /// A bearer token that lets a Prometheus on another host scrape `/api/metrics`
    /// (`BOOKING_METRICS_TOKEN`); nil: loopback only.
    package var metricsToken: String? = nil
    /// The least important log lines written: error, warning, info (each request) or debug.
    package var logLevel = Logger.Level.info
    /// `BOOKING_*` variables of the environment that no setting reads: most likely typos
    /// (`BOOKING_HOLD_TTLL`), which would otherwise pass silently. Reported at start.
    package private(set) var unknownSettings: [String] = []
    /// Continuous replication with Litestream (`BOOKING_REPLICA`); nil: none.
    package var replica: ReplicaTarget? = nil
    /// An sftp replica's login key and the server's host key (see `ReplicaTarget`).
    package var replicaSSHKey: String? = nil
    package var replicaSSHHostKey: String? = nil

    /// Settings from `environment`; throws on the first invalid value, naming it.
    package init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment: environment)
        dataDirectory = reader.string("BOOKING_DATA_DIR") ?? dataDirectory
        socketPath = reader.string("BOOKING_SOCKET") ?? socketPath
        socketMode = mode_t(try reader.octal("BOOKING_SOCKET_MODE") ?? Int(socketMode))
        workers = try reader.int("BOOKING_WORKERS", in: 1...256) ?? workers
        listenBacklog = try reader.int("BOOKING_LISTEN_BACKLOG", in: 16...65535) ?? listenBacklog
        drainTimeout = Double(try reader.int("BOOKING_DRAIN_TIMEOUT", in: 1...3600) ?? Int(drainTimeout))
        if let mode = reader.string("BOOKING_SYNCHRONOUS") {
            guard let parsed = SynchronousMode(rawValue: mode.uppercased()) else {
                throw ConfigurationError("BOOKING_SYNCHRONOUS must be FULL or NORMAL, not \(mode)")
            }
            synchronous = parsed
        }
        holdTTL = try reader.int("BOOKING_HOLD_TTL", in: 5...86400) ?? holdTTL
        argon2MemoryKiB = UInt32(try reader.int("BOOKING_ARGON2_MEMORY_KIB", in: 8...4_194_304) ?? Int(argon2MemoryKiB))
        argon2Iterations = UInt32(try reader.int("BOOKING_ARGON2_ITERATIONS", in: 1...100) ?? Int(argon2Iterations))
        argon2Parallelism = UInt32(try reader.int("BOOKING_ARGON2_PARALLELISM", in: 1...16) ?? Int(argon2Parallelism))
        hashingSlots = try reader.int("BOOKING_HASHING_SLOTS", in: 1...64) ?? hashingSlots
        sessionTTL = try reader.int("BOOKING_SESSION_TTL", in: 60...31_536_000) ?? sessionTTL
        venueQuota = try reader.int("BOOKING_VENUE_QUOTA", in: 0...100_000) ?? venueQuota
        maxOpenVenues = try reader.int("BOOKING_MAX_OPEN_VENUES", in: 1...100_000) ?? maxOpenVenues
        paymentDeclineRate = try reader.fraction("BOOKING_PAYMENT_DECLINE_RATE") ?? paymentDeclineRate
        paymentLatencyMs = try reader.int("BOOKING_PAYMENT_LATENCY_MS", in: 0...60_000) ?? paymentLatencyMs
        nchanSocket = reader.string("BOOKING_NCHAN_SOCKET")
        sendmailPath = reader.string("BOOKING_SENDMAIL") ?? sendmailPath
        mailFrom = reader.string("BOOKING_MAIL_FROM") ?? mailFrom
        guard mailFrom.contains("@"), !mailFrom.hasPrefix("-"), mailFrom.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ConfigurationError("BOOKING_MAIL_FROM must be a plain email address, not \(mailFrom)")
        }
        publicURL = reader.string("BOOKING_PUBLIC_URL") ?? publicURL
        notifierIntervalMs = try reader.int("BOOKING_NOTIFIER_INTERVAL_MS", in: 10...60_000) ?? notifierIntervalMs
        mailMaxAttempts = try reader.int("BOOKING_MAIL_MAX_ATTEMPTS", in: 1...100) ?? mailMaxAttempts
        waitlistHoldTTL = try reader.int("BOOKING_WAITLIST_HOLD_TTL", in: 30...86400) ?? waitlistHoldTTL
        publicOrigin = reader.string("BOOKING_PUBLIC_ORIGIN")
        queueDifficulty = try reader.int("BOOKING_QUEUE_DIFFICULTY", in: 0...32) ?? queueDifficulty
        queueKeys = try reader.string("BOOKING_QUEUE_KEYS").map { text throws(ConfigurationError) in try Self.queueKeys(text) }
        queueMarkers = reader.string("BOOKING_QUEUE_MARKERS")
        _ = reader.string("BOOKING_ENV_FILE")  // read by SettingsFile, before this; known here
        readyNotifierLag = try reader.int("BOOKING_READY_NOTIFIER_LAG", in: 1...86400) ?? readyNotifierLag
        readyMailAge = try reader.int("BOOKING_READY_MAIL_AGE", in: 1...604_800) ?? readyMailAge
        readyMinFreeMB = try reader.int("BOOKING_READY_MIN_FREE_MB", in: 0...10_000_000) ?? readyMinFreeMB
        readyReplicationLag = try reader.int("BOOKING_READY_REPLICATION_LAG", in: 1...86400) ?? readyReplicationLag
        backupDirectory = reader.string("BOOKING_BACKUP_DIR") ?? backupDirectory
        guard backupDirectory.hasPrefix("/") else {
            throw ConfigurationError("BOOKING_BACKUP_DIR must be an absolute directory, not \(backupDirectory)")
        }
        backupKeepDaily = try reader.int("BOOKING_BACKUP_KEEP_DAILY", in: 1...3650) ?? backupKeepDaily
        backupKeepWeekly = try reader.int("BOOKING_BACKUP_KEEP_WEEKLY", in: 0...520) ?? backupKeepWeekly
        metricsToken = reader.string("BOOKING_METRICS_TOKEN")
        if let token = metricsToken, !(16...1024).contains(token.utf8.count) || !token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            throw ConfigurationError("BOOKING_METRICS_TOKEN must be 16 to 1024 visible ASCII characters without spaces (e.g. openssl rand -hex 32)")
        }
        if let directory = queueMarkers, !directory.hasPrefix("/") || directory.contains("/../") || directory.hasSuffix("/..") {
            throw ConfigurationError("BOOKING_QUEUE_MARKERS must be an absolute directory, not \(directory)")
        }
        if let level = reader.string("BOOKING_LOG_LEVEL") {
            guard let parsed = Logger.Level(name: level) else {
                throw ConfigurationError("BOOKING_LOG_LEVEL must be error, warning, info or debug, not \(level)")
            }
            logLevel = parsed
        }
        replicaSSHKey = reader.string("BOOKING_REPLICA_SSH_KEY")
        replicaSSHHostKey = reader.string("BOOKING_REPLICA_SSH_HOST_KEY")
        replica = try reader.string("BOOKING_REPLICA").map { text throws(ConfigurationError) in try replicaTarget(text) }
        unknownSettings = environment.keys.filter { $0.hasPrefix("BOOKING_") && !reader.read.contains($0) && !Self.passedOn.contains($0) }.sorted()
    }

    /// `text` as a replica, with the sftp keys of these settings (`restore --from-replica`
    /// parses its URL so too).
    package func replicaTarget(_ text: String) throws(ConfigurationError) -> ReplicaTarget {
        try ReplicaTarget(text, sshKeyPath: replicaSSHKey, sshHostKey: replicaSSHHostKey)
    }

    /// `BOOKING_QUEUE_KEYS`: comma-separated `id:secret`, ids of letters and digits, secrets
    /// base64url of at least 32 bytes.
    static func queueKeys(_ text: String) throws(ConfigurationError) -> [QueueKeys.Key] {
        var keys: [QueueKeys.Key] = []
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, (1...16).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                let secret = ByteEncoding.bytes(base64URL: parts[1]), secret.count >= 32
            else {
                throw ConfigurationError("BOOKING_QUEUE_KEYS must be id:secret pairs (secret: base64url of at least 32 bytes), not \(pair)")
            }
            keys.append(QueueKeys.Key(id: parts[0], secret: secret))
        }
        guard !keys.isEmpty else { throw ConfigurationError("BOOKING_QUEUE_KEYS names no key") }
        return keys
    }

    /// Variables for the programs the services start, not for the services themselves.
    static let passedOn: Set<String> = ["BOOKING_MAIL_DIR"]  // the development sendmail's mailbox (scripts/dev-sendmail.sh)

    /// Says each unknown `BOOKING_*` variable once, as a warning naming it.
    package func reportUnknownSettings(to log: Logger) {
        for name in unknownSettings { log.warning("unknown setting (a typo?), ignored", ["variable": name]) }
    }

    /// Whether the app's checkpoints may truncate the WAL: not when Litestream replicates
    /// it, since Litestream then owns truncation (see `Database.truncatesWAL`).
    package var truncatesWAL: Bool { replica == nil }

    package var authDatabasePath: String { dataDirectory + "/auth.sqlite" }
    /// The pool's shared counters, beside the socket in the runtime directory.
    package var metricsPath: String { socketPath + ".metrics" }
    /// Venues with recent bookings (see RecentVenueWrites), beside the socket too.
    package var recentVenuesPath: String { socketPath + ".recent-venues" }
    package var venuesDirectory: String { dataDirectory + "/venues" }
    /// The simulated payment provider's books (its side of every charge, not ours to back up).
    package var simulatedPaymentsPath: String { dataDirectory + "/simulated-payments.sqlite" }
}

/// Reads settings and remembers which names it was asked for.
private final class EnvironmentReader {
    let environment: [String: String]
    private(set) var read: Set<String> = []

    init(environment: [String: String]) { self.environment = environment }

    func string(_ name: String) -> String? {
        read.insert(name)
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), not \(text)")
        }
        return value
    }

    func octal(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text, radix: 8), (0...0o777).contains(value) else {
            throw ConfigurationError("\(name) must be an octal file mode such as 0660, not \(text)")
        }
        return value
    }

    func fraction(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), (0...1).contains(value) else {
            throw ConfigurationError("\(name) must be a number between 0 and 1, not \(text)")
        }
        return value
    }
}
