import Common
import FoundationEssentials
import Glibc
import Storage

/// Publishes seat-map changes and queue positions to nchan's publisher, which listens only on
/// a unix socket (deploy/nginx.conf). A lost publish is harmless: clients see a version gap
/// on the next seat message and re-read the seat map; a queue message is superseded by the
/// next round's.
///
/// Changes are queued as they commit and sent by `flush()`, which the worker calls once the
/// response has gone out, so publishing adds nothing to the buyer's wait. Messages go over
/// one kept-alive HTTP/1.1 connection per process, pipelined, in commit order; nginx's
/// answers are read at the next flush.
package final class LivePublisher {
    let socketPath: String
    let log: Logger
    let metrics: SharedMetrics
    /// Queued messages beyond this are sent at once (a process that never flushes stays small).
    static let maxQueued = 64
    /// How long one send or reply may take before the connection is given up.
    private let timeout = timeval(tv_sec: 0, tv_usec: 250_000)
    /// A message: its channel's publisher path, its body, what the log names it by, and
    /// whether it was already sent once on a connection that closed unanswered.
    typealias Item = (path: String, body: [UInt8], label: Label, resent: Bool)
    /// What a failed message is logged by: its venue and event, and which message it was.
    typealias Label = (venue: String, event: String, message: String)
    /// Answers awaited at most before a flush waits for them.
    static let maxAwaiting = 256
    private var queued: [Item] = []
    /// Sent, in order, and not answered yet.
    private var awaiting: [Item] = []
    private var connection: Int32 = -1
    /// Bytes read from the connection and not yet consumed as an answer.
    private var inbox: [UInt8] = []

    package init(socketPath: String, log: Logger, metrics: SharedMetrics) {
        self.socketPath = socketPath
        self.log = log
        self.metrics = metrics
    }

    deinit { disconnect() }

    /// Queues `changes` (committed) for the next `flush()`.
    package func publish(venue: VenueID, _ changes: [LiveChange]) {
        queued += changes.map { change in
            (
                "/pub/venues/\(venue.value)/events/\(change.eventID)", Self.message(change),
                (venue.value, change.eventID, "version \(change.version)"), false
            )
        }
        if queued.count >= Self.maxQueued { flush() }
    }

    /// Queues where an event's on-sale queue stands, for its waiting buyers (API.md:
    /// `{nowServing, length, state}` on `/live/venues/{venueId}/events/{eventId}/queue`).
    package func publishQueue(venue: VenueID, eventID: String, nowServing: Int, length: Int, state: String) {
        let body = Array("{\"nowServing\":\(nowServing),\"length\":\(length),\"state\":\"\(state)\"}".utf8)
        queued.append(("/pub/venues/\(venue.value)/events/\(eventID)/queue", body, (venue.value, eventID, "queue \(nowServing)/\(length)"), false))
        if queued.count >= Self.maxQueued { flush() }
    }

    /// Sends every queued message, pipelined on the kept-alive connection, without waiting
    /// for nginx to answer: the next flush reads the answers (a worker that waited for them
    /// sat idle for a context switch to nginx and back after every batch).
    package func flush() {
        readAnswers(waiting: false)
        guard !queued.isEmpty else { return }
        let sending = queued
        queued.removeAll(keepingCapacity: true)
        let reused = connection >= 0
        if send(sending) { return }
        // A kept-alive connection that nginx closed meanwhile fails before taking anything:
        // the messages go again on a new one, after any that nginx handed back. (One that
        // fails midway may have taken some: they arrive twice, and clients skip a version
        // they already have.)
        let again = queued + sending
        queued.removeAll(keepingCapacity: true)
        if reused && send(again) { return }
        again.forEach(failed)
    }

    /// Flushes until every message is answered or given up (for tests).
    func flushAndWait() {
        for _ in 0..<8 where !queued.isEmpty || !awaiting.isEmpty {
            flush()
            readAnswers(waiting: true)
        }
    }

    /// Sends `items` (opening a connection if needed); they then await their answers.
    private func send(_ items: [Item]) -> Bool {
        guard connection >= 0 || connect() else { return false }
        let requests = items.flatMap { Self.request(path: $0.path, body: $0.body) }
        var sent = 0
        while sent < requests.count {
            let n = requests[sent...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else {
                // Answers already on their way still count; the connection's end hands the
                // unanswered messages back (`readAnswers`).
                readAnswers(waiting: true)
                disconnect()
                return false
            }
            sent += n
        }
        awaiting += items
        // nginx answers as fast as it reads: a long backlog means it stopped answering.
        if awaiting.count > Self.maxAwaiting { readAnswers(waiting: true) }
        return true
    }

    /// Reads the answers that have arrived (`waiting`: every awaited one, each within the
    /// timeout), in the order the messages were sent. After an answer that closes the
    /// connection, the messages nginx did not take are queued again.
    private func readAnswers(waiting: Bool) {
        while connection >= 0, let item = awaiting.first {
            switch readReply(waiting: waiting) {
            case .notYet:
                return
            case .closed:
                // nginx closed with messages unanswered (a reload closes kept-alive
                // connections): they go once more on a new connection. One it took before
                // closing may then arrive twice; clients skip a version they already have.
                let again = awaiting.filter { !$0.resent }.map { ($0.path, $0.body, $0.label, true) }
                awaiting.filter(\.resent).forEach(failed)
                queued.insert(contentsOf: again, at: 0)
                awaiting.removeAll()
                disconnect()
            case .answer(let status, let keepAlive):
                awaiting.removeFirst()
                if status / 100 != 2 { failed(item) }
                if !keepAlive {
                    queued.insert(contentsOf: awaiting, at: 0)
                    awaiting.removeAll()
                    disconnect()
                }
            }
        }
    }

    private func failed(_ item: Item) {
        metrics.add(.livePublishFailures)
        log.error("live publish failed", ["venue": item.label.venue, "event": item.label.event, "message": item.label.message])
    }

    /// The message of API.md: `{version, seats: [{id, state}], ga: [{section, available}]}`.
    /// Ids are validated slugs and need no escaping.
    static func message(_ change: LiveChange) -> [UInt8] {
        let seats = change.seats.map { "{\"id\":\"\($0.id)\",\"state\":\"\($0.state.rawValue)\"}" }.joined(separator: ",")
        let ga = change.ga.map { "{\"section\":\"\($0.section)\",\"available\":\($0.available)}" }.joined(separator: ",")
        return Array("{\"version\":\(change.version),\"seats\":[\(seats)],\"ga\":[\(ga)]}".utf8)
    }

    // MARK: HTTP over the unix socket

    private static func request(path: String, body: [UInt8]) -> [UInt8] {
        Array("POST \(path) HTTP/1.1\r\nHost: nchan\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    private enum Reply {
        case answer(status: Int, keepAlive: Bool)
        /// Not complete yet (only when not waiting).
        case notYet
        /// The connection ended, failed, timed out or spoke something other than HTTP/1.x.
        case closed
    }

    /// Reads one answer from the connection: its status, and whether the connection stays
    /// open after it. Bytes of the next answer stay in `inbox`.
    private func readReply(waiting: Bool) -> Reply {
        while true {
            if let headerEnd = Self.endOfHeaders(inbox) {
                let head = String(decoding: inbox[0..<headerEnd], as: UTF8.self).lowercased()
                let lines = head.split(separator: "\r\n")
                guard let statusLine = lines.first, statusLine.hasPrefix("http/1."),
                    let status = Int(statusLine.dropFirst(9).prefix(3))
                else { return .closed }
                // Without a length the body ends with the connection: nothing more can be read.
                guard let length = lines.lazy.compactMap({ $0.hasPrefix("content-length:") ? Int($0.dropFirst(15).trimmingWhitespace) : nil }).first
                else { return .answer(status: status, keepAlive: false) }
                if inbox.count >= headerEnd + length {
                    inbox.removeFirst(headerEnd + length)
                    return .answer(status: status, keepAlive: !lines.contains("connection: close"))
                }
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let got = recv(connection, &chunk, chunk.count, waiting ? 0 : Int32(MSG_DONTWAIT))
            if got < 0 && !waiting && (errno == EAGAIN || errno == EWOULDBLOCK) { return .notYet }
            guard got > 0 else { return .closed }
            inbox += chunk[0..<got]
        }
    }

    private static func endOfHeaders(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index] == 10 && bytes[index - 1] == 13 && bytes[index - 2] == 10 && bytes[index - 3] == 13 {
            return index + 1
        }
        return nil
    }

    private func connect() -> Bool {
        guard let fd = UnixSocket.connect(path: socketPath, timeout: timeout) else { return false }
        connection = fd
        return true
    }

    private func disconnect() {
        if connection >= 0 { close(connection) }
        connection = -1
        inbox.removeAll()
    }
}
