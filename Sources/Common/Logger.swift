import FoundationEssentials
import Glibc

/// One JSON object per line on stderr, for journald. Callers pass no secrets: tokens,
/// passwords and hashes are never given to the logger.
///
/// Under systemd each line starts with its syslog priority (`<3>` for errors, `<6>` for
/// information), which journald reads, so `journalctl -p err` shows the errors; elsewhere
/// (a terminal, the tests' log file) lines are plain JSON.
package struct Logger: Sendable {
    /// How much a line matters, by its syslog priority.
    package enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 3
        case warning = 4
        case info = 6
        case debug = 7

        /// The names `BOOKING_LOG_LEVEL` takes, as written in the lines.
        package var name: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .info: "info"
            case .debug: "debug"
            }
        }

        package init?(name: String) {
            guard let level = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = level
        }

        package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    package let component: String
    /// Lines less important than this are not written (`BOOKING_LOG_LEVEL`).
    package let threshold: Level
    /// Whether each line starts with `<priority>`.
    package let prefixesPriority: Bool

    package init(component: String, threshold: Level = .info, prefixesPriority: Bool = Logger.standardErrorIsJournal) {
        self.component = component
        self.threshold = threshold
        self.prefixesPriority = prefixesPriority
    }

    package func error(_ message: String, _ fields: KeyValuePairs<String, String>) { write(.error, message, fields) }
    package func warning(_ message: String, _ fields: KeyValuePairs<String, String>) { write(.warning, message, fields) }
    package func info(_ message: String, _ fields: KeyValuePairs<String, String>) { write(.info, message, fields) }

    /// Whether a line of `level` is written: callers skip building costly fields when not.
    package func logs(_ level: Level) -> Bool { level <= threshold }

    package func write(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String>) {
        guard logs(level) else { return }
        writeStandardError(line(level, message, fields, at: Int(Date().timeIntervalSince1970)))
    }

    /// One line as written. Built by hand: this runs once per request, and
    /// JSONSerialization was a fifth of a worker's time on the booking path.
    package func line(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String>, at time: Int) -> String {
        var line = prefixesPriority ? "<\(level.rawValue)>" : ""
        line +=
            "{\"time\":\"" + RFC3339.string(fromSeconds: time) + "\",\"level\":\"" + level.name
            + "\",\"component\":" + JSONText.quoted(component) + ",\"msg\":" + JSONText.quoted(message)
        for (key, value) in fields { line += "," + JSONText.quoted(key) + ":" + JSONText.quoted(value) }
        line += "}\n"
        return line
    }

    /// Whether stderr is the journal stream systemd gave this service.
    package static let standardErrorIsJournal = isJournalStream(getenv("JOURNAL_STREAM").map { String(cString: $0) }, descriptor: 2)

    /// Whether `descriptor` is the stream `JOURNAL_STREAM` names by its device and inode
    /// (systemd.exec(5)); a stderr redirected elsewhere no longer matches.
    package static func isJournalStream(_ journalStream: String?, descriptor: Int32) -> Bool {
        guard let parts = journalStream?.split(separator: ":"), parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}

/// Writes `text` to stderr with one `write(2)` so lines from several processes do not interleave.
package func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
}
