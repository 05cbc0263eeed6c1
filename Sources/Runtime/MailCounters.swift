internal import CSystem
import Glibc

/// Emails the notifier handed to sendmail, by result, for `booking_emails_sent_total`: two
/// words in `notifier/mail.counters` in the data directory, which the notifier maps and adds
/// to atomically, and which a scrape reads from any worker.
///
/// Why a file of its own and not the outbox: delivered rows are pruned after 30 days
/// (`VenueStore.outboxRetention`) and a venue's rows go with the venue, so a count of rows
/// would fall, which Prometheus takes for a reset. The pool's shared memory would lose the
/// notifier's counts at every restart of the pool. This file is never emptied, so the counts
/// only grow, across restarts of either process. A notifier killed between sendmail's answer
/// and the add misses that one send; the message is then sent again and counted then.
package final class MailCounters {
    package enum Result: Int, CaseIterable {
        /// sendmail took the message.
        case ok
        /// An attempt sendmail refused or could not take (each retry counts again).
        case failed

        package var label: String { self == .ok ? "ok" : "failed" }
    }

    private let words: UnsafeMutablePointer<UInt64>

    package static func path(dataDirectory: String) -> String { dataDirectory + "/notifier/mail.counters" }

    /// The notifier's counters: the file made if it is missing, its counts kept if not.
    package init(dataDirectory: String) throws {
        let path = Self.path(dataDirectory: dataDirectory)
        mkdir(dataDirectory + "/notifier", 0o750)
        try PoolMemory.keep(path: path, words: Result.allCases.count)
        words = try PoolMemory.map(path: path, words: Result.allCases.count)
    }

    deinit { PoolMemory.unmap(words, count: Result.allCases.count) }

    package func add(_ result: Result) {
        booking_atomic_add(words + result.rawValue, 1)
    }

    /// The counts so far; zeros when the notifier never ran with this data directory.
    package static func read(dataDirectory: String) -> [Result: UInt64] {
        let path = Self.path(dataDirectory: dataDirectory)
        guard access(path, R_OK) == 0, let words = try? PoolMemory.map(path: path, words: Result.allCases.count, writable: false) else {
            return Dictionary(uniqueKeysWithValues: Result.allCases.map { ($0, 0) })
        }
        defer { PoolMemory.unmap(words, count: Result.allCases.count) }
        return Dictionary(uniqueKeysWithValues: Result.allCases.map { ($0, booking_atomic_load(words + $0.rawValue)) })
    }
}
