import Common
import FoundationEssentials
import Glibc

/// What the notifier says of itself after each round, for the readiness check: when the
/// round ended and how much mail was waiting. One line in `notifier/heartbeat` in the data
/// directory, replaced by a rename (its directory holds the file being written), so a
/// reader never sees half of it.
package struct NotifierHeartbeat: Equatable, Sendable {
    /// When the round ended (Unix seconds).
    package var roundAt: Int
    /// Messages of every venue not yet sent (due or waiting for a retry).
    package var mailPending: Int
    /// When the oldest of them was written, if any.
    package var oldestMailAt: Int?

    package init(roundAt: Int, mailPending: Int, oldestMailAt: Int?) {
        self.roundAt = roundAt
        self.mailPending = mailPending
        self.oldestMailAt = oldestMailAt
    }

    package static func path(dataDirectory: String) -> String { dataDirectory + "/notifier/heartbeat" }

    /// Replaces the file; a failure (a full disk) is the reader's to notice, as an old heartbeat.
    package func write(dataDirectory: String) {
        let path = Self.path(dataDirectory: dataDirectory)
        mkdir(dataDirectory + "/notifier", 0o750)
        SmallFile.replace(path, with: Array("\(roundAt) \(mailPending) \(oldestMailAt.map(String.init) ?? "-")\n".utf8))
    }

    /// The last heartbeat, or nil when there is none (the notifier never ran here).
    package static func read(dataDirectory: String) -> NotifierHeartbeat? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).trimmingWhitespace.split(separator: " ")
        guard fields.count == 3, let roundAt = Int(fields[0]), let pending = Int(fields[1]) else { return nil }
        return NotifierHeartbeat(roundAt: roundAt, mailPending: pending, oldestMailAt: Int(fields[2]))
    }
}
