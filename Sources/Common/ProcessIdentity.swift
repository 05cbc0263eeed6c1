import Glibc

/// Names a running process so that another process of the same host can tell later whether
/// it still runs: the boot, the pid and the pid's start time (a pid alone is reused after
/// the process dies). A request in flight records who runs it this way, and a retry takes
/// it over once its process is gone (DESIGN.md, "Resumable requests").
package enum ProcessIdentity {
    /// This process: `boot:pid:start`.
    package static let current: String = "\(bootID):\(getpid()):\(startTime(of: getpid()) ?? 0)"

    /// Whether the process `identity` names still runs (a zombie does not; a name from an
    /// earlier boot or that does not parse never does).
    package static func isRunning(_ identity: String) -> Bool {
        let parts = identity.split(separator: ":")
        guard parts.count == 3, parts[0] == bootID, let pid = pid_t(parts[1]), let start = Int(parts[2]) else { return false }
        return startTime(of: pid) == start
    }

    /// The kernel's id of this boot.
    private static let bootID: Substring = {
        let text = readProcFile("/proc/sys/kernel/random/boot_id") ?? "unknown"
        return Substring(text.trimmingWhitespace)
    }()

    /// Field 22 of `/proc/PID/stat`, the start time in clock ticks since boot; nil for a
    /// process that is gone or a zombie.
    private static func startTime(of pid: pid_t) -> Int? {
        guard let stat = readProcFile("/proc/\(pid)/stat"), let end = stat.lastIndex(of: ")") else { return nil }
        // After the command name (which may hold spaces): field 3, the state, onwards.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return Int(fields[19])
    }

    private static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
