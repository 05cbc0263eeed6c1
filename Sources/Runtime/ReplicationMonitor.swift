import Common
import Dispatch
import FoundationEssentials
import Glibc

/// Watches how far each replica is behind its database, about once a second, on a thread
/// of the notifier, and leaves the figures in `notifier/replication-lag` for the metrics,
/// the readiness check and `check`. Asking a remote replica costs a `litestream ltx` run, so
/// only a database written since its replica was last seen complete is asked: a quiet venue
/// costs a `stat`. Looking again and again also tightens the bound (see `ReplicationLag`):
/// the commits a replica lacks were all made after the last look that found it complete.
package final class ReplicationMonitor: @unchecked Sendable {
    /// What one database's replica was last seen as.
    struct Watch {
        var position: ReplicaPosition?
        /// When the replica was last seen holding every write of the database.
        var completeAt: Double?
        var lag: Double?
    }

    let configuration: Configuration
    let replica: ReplicaTarget
    /// Only the monitor's thread touches it.
    private var watches: [String: Watch] = [:]

    package init?(configuration: Configuration) {
        guard let replica = configuration.replica else { return nil }
        self.configuration = configuration
        self.replica = replica
    }

    /// Samples every `interval` seconds on a thread of its own, for the life of the process.
    package func start(interval: Double = 1, log: Logger) {
        DispatchQueue.global(qos: .utility).async {
            while true {
                let started = Date().timeIntervalSince1970
                self.sample(now: started, log: log)
                let spent = Date().timeIntervalSince1970 - started
                if spent < interval { usleep(useconds_t((interval - spent) * 1_000_000)) }
            }
        }
    }

    /// Looks at every database once and writes what it found.
    func sample(now: Double, log: Logger) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configuration.venuesDirectory)) ?? []
        let venueIDs = names.filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }.map { String($0.dropLast(".sqlite".count)) }.sorted()
        var lags: [String: Double?] = [:]
        for database in ReplicatedDatabase.all(configuration: configuration, replica: replica, venueIDs: venueIDs) {
            var watch = watches[database.label] ?? Watch()
            let lastWrite = ReplicationLag.lastWrite(ofDatabaseAt: database.path)
            let knownComplete = lastWrite.map { write in watch.position.map { write <= $0.timestamp } ?? false } ?? false
            if !knownComplete {
                do { watch.position = try ReplicaPosition.of(database: database.path, url: database.url, replica: replica) } catch {
                    log.warning("cannot read the replica's position", ["database": database.label, "error": "\(error)"])
                }
            }
            watch.lag = ReplicationLag.seconds(lastWrite: lastWrite, replicated: watch.position, completeAt: watch.completeAt, now: now)
            if watch.lag == 0 { watch.completeAt = now }
            watches[database.label] = watch
            lags[database.label] = watch.lag
        }
        Sample(sampledAt: now, lags: lags).write(dataDirectory: configuration.dataDirectory)
    }

    /// The figures of one look, as a file: the time, then `LABEL SECONDS` a line (`-` for
    /// not known), replaced by a rename so a reader never sees half of it.
    package struct Sample: Equatable {
        package let sampledAt: Double
        package let lags: [String: Double?]

        static func path(dataDirectory: String) -> String { dataDirectory + "/notifier/replication-lag" }

        func write(dataDirectory: String) {
            let path = Self.path(dataDirectory: dataDirectory)
            mkdir(dataDirectory + "/notifier", 0o750)
            let lines = ["\(sampledAt)"] + lags.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map { "\($0)" } ?? "-")" }
            SmallFile.replace(path, with: Array((lines.joined(separator: "\n") + "\n").utf8))
        }

        package static func read(dataDirectory: String) -> Sample? {
            guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            guard let first = lines.first, let sampledAt = Double(first) else { return nil }
            var lags: [String: Double?] = [:]
            for line in lines.dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count == 2 else { return nil }
                lags[String(fields[0])] = Double(fields[1])
            }
            return Sample(sampledAt: sampledAt, lags: lags)
        }
    }
}
