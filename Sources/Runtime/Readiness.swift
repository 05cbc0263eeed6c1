import FoundationEssentials
import Glibc

/// Whether this install is fit to take an on-sale, for monitoring (`GET /api/health/ready`;
/// `/api/health` stays the load balancer's cheap liveness check): the notifier runs its
/// rounds, mail leaves, live updates reach nchan, the data disk has room and replicas keep
/// up. Each check has a limit from the configuration (README, "Configuration").
package enum Readiness {
    package struct Check: Sendable, Equatable {
        package let name: String
        package let ok: Bool
        /// The measured figure, in `unit`; nil when there is nothing to measure.
        package let value: Double?
        package let limit: Double
        package let unit: String
        package let message: String
    }

    package static func checks(configuration: Configuration, venueIDs: [String], now: Double) -> [Check] {
        // One read of the notifier's heartbeat serves both of its checks.
        let beat = NotifierHeartbeat.read(dataDirectory: configuration.dataDirectory)
        var checks = [notifier(beat, configuration, now: now), mail(beat, configuration, now: now), disk(configuration)]
        if let socket = configuration.nchanSocket { checks.append(nchan(socket)) }
        if configuration.replica != nil { checks.append(replication(configuration, venueIDs: venueIDs, now: now)) }
        return checks
    }

    static func notifier(_ beat: NotifierHeartbeat?, _ configuration: Configuration, now: Double) -> Check {
        let limit = Double(configuration.readyNotifierLag)
        guard let beat else {
            return Check(name: "notifier", ok: false, value: nil, limit: limit, unit: "seconds", message: "the notifier has not run here")
        }
        let age = max(0, now - Double(beat.roundAt))
        return Check(
            name: "notifier", ok: age <= limit, value: age, limit: limit, unit: "seconds",
            message: age <= limit ? "its last round ended \(Int(age)) s ago" : "no round for \(Int(age)) s: is booking-notifier running?")
    }

    static func mail(_ beat: NotifierHeartbeat?, _ configuration: Configuration, now: Double) -> Check {
        let limit = Double(configuration.readyMailAge)
        let age = beat?.oldestMailAt.map { max(0, now - Double($0)) } ?? 0
        let pending = beat?.mailPending ?? 0
        return Check(
            name: "mail", ok: age <= limit, value: age, limit: limit, unit: "seconds",
            message: pending == 0 ? "no mail waiting" : "\(pending) messages waiting, the oldest for \(Int(age)) s")
    }

    static func disk(_ configuration: Configuration) -> Check {
        let limit = Double(configuration.readyMinFreeMB)
        var stats = statvfs()
        guard statvfs(configuration.dataDirectory, &stats) == 0 else {
            return Check(name: "disk", ok: false, value: nil, limit: limit, unit: "MiB free", message: "cannot read the data disk")
        }
        let free = Double(stats.f_bavail) * Double(stats.f_frsize) / 1_048_576
        return Check(
            name: "disk", ok: free >= limit, value: free.rounded(), limit: limit, unit: "MiB free",
            message: free >= limit ? "\(Int(free)) MiB free" : "only \(Int(free)) MiB free on the data disk: writes will soon fail")
    }

    static func nchan(_ socket: String) -> Check {
        let fd = UnixSocket.connect(path: socket, timeout: timeval(tv_sec: 1, tv_usec: 0))
        if let fd { close(fd) }
        return Check(
            name: "nchan", ok: fd != nil, value: nil, limit: 0, unit: "",
            message: fd != nil ? "its publisher socket answers" : "nothing listens on \(socket): browsers fall back to polling")
    }

    static func replication(_ configuration: Configuration, venueIDs: [String], now: Double) -> Check {
        let limit = Double(configuration.readyReplicationLag)
        let lags = ReplicationLag.perDatabase(configuration: configuration, venueIDs: venueIDs, now: now)
        let measured = lags.compactMap { lag in lag.seconds.map { (lag.database, $0) } }
        guard let worst = measured.max(by: { $0.1 < $1.1 }) else {
            return Check(name: "replication", ok: true, value: nil, limit: limit, unit: "seconds", message: "no lag measurable from here")
        }
        return Check(
            name: "replication", ok: worst.1 <= limit, value: worst.1, limit: limit, unit: "seconds",
            message: "\(worst.0) is the furthest behind, by \(Int(worst.1)) s")
    }
}
