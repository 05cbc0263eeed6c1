import Common
import Foundation
import Glibc
import Storage
import Testing

@testable import Runtime

/// A stand-in for nchan's publisher: a unix socket that answers each POST with 201 and
/// records which connection it came on. It can close a connection after some answers.
final class FakePublisherEndpoint: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "nchan-\(UUID().uuidString.prefix(8)).sock"
    private let lock = NSLock()
    private var received: [(connection: Int, path: String, body: String)] = []
    private let listener: Int32
    /// Answers given on one connection before the endpoint closes it (after "Connection: close").
    let answersPerConnection: Int
    private var paused = false
    /// While paused, requests are read and recorded but not answered.
    var answering: Bool {
        get { lock.withLock { !paused } }
        set { lock.withLock { paused = !newValue } }
    }

    /// Whether the endpoint closes after its last answer without saying so (as nginx does
    /// when it reloads), leaving the requests pipelined after it unanswered.
    let closesSilently: Bool

    init(answersPerConnection: Int = .max, closesSilently: Bool = false) throws {
        self.answersPerConnection = answersPerConnection
        self.closesSilently = closesSilently
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        Thread.detachNewThread { [self] in serve() }
    }

    deinit {
        close(listener)
        unlink(path)
    }

    var requests: [(connection: Int, path: String, body: String)] { lock.withLock { received } }

    private func serve() {
        var number = 0
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            number += 1
            var buffer: [UInt8] = []
            var answered = 0
            var chunk = [UInt8](repeating: 0, count: 4096)
            reading: while true {
                // Answer every complete request in the buffer (they may arrive pipelined).
                while let (path, body, used) = Self.request(in: buffer) {
                    buffer.removeFirst(used)
                    lock.withLock { received.append((number, path, body)) }
                    while !answering { usleep(1000) }
                    answered += 1
                    let last = answered >= answersPerConnection
                    let reply =
                        "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n"
                        + (last && !closesSilently ? "Connection: close\r\n" : "") + "\r\nqueued messages: 1\n"
                    _ = reply.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                    if last { break reading }
                }
                let got = recv(fd, &chunk, chunk.count, 0)
                if got <= 0 { break }
                buffer += chunk[0..<got]
            }
            close(fd)
        }
    }

    private static func request(in bytes: [UInt8]) -> (String, String, Int)? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound]
        guard let lengthLine = head.split(separator: "\r\n").first(where: { $0.hasPrefix("Content-Length: ") }),
            let length = Int(lengthLine.dropFirst(16))
        else { return nil }
        let headBytes = text.utf8.distance(from: text.startIndex, to: end.upperBound)
        guard bytes.count >= headBytes + length else { return nil }
        let path = head.split(separator: " ")[1]
        return (String(path), String(decoding: bytes[headBytes..<headBytes + length], as: UTF8.self), headBytes + length)
    }
}

@Suite("Publishing live changes to nchan")
struct LivePublisherTests {
    let venue = VenueID("arena")!

    func change(_ version: Int) -> LiveChange {
        LiveChange(
            eventID: "e_aaaaaaaaaaaaaaaaaaaa", version: version, seats: [.init(id: "A-1", state: .sold)],
            ga: [.init(section: "floor", available: 7)])
    }

    /// The start of each message the endpoint received (`{"version":N`), in order.
    func versionsReceived(_ endpoint: FakePublisherEndpoint) -> [Substring] {
        endpoint.requests.map { $0.body.split(separator: ",")[0] }
    }

    /// What `versionsReceived` gives for messages of `versions`, in order.
    func messages(_ versions: ClosedRange<Int>) -> [Substring] {
        versions.map { "{\"version\":\($0)" }
    }

    func publisher(_ endpoint: FakePublisherEndpoint) throws -> (LivePublisher, SharedMetrics) {
        let metrics = try SharedMetrics(path: nil, routes: [])
        return (LivePublisher(socketPath: endpoint.path, log: Logger(component: "test"), metrics: metrics), metrics)
    }

    @Test func nothingIsSentBeforeTheFlush() throws {
        let endpoint = try FakePublisherEndpoint()
        let (publisher, _) = try publisher(endpoint)
        publisher.publish(venue: venue, [change(1)])
        usleep(50_000)
        #expect(endpoint.requests.isEmpty)
        publisher.flushAndWait()
        #expect(endpoint.requests.map(\.body) == [#"{"version":1,"seats":[{"id":"A-1","state":"sold"}],"ga":[{"section":"floor","available":7}]}"#])
        #expect(endpoint.requests.first?.path == "/pub/venues/arena/events/e_aaaaaaaaaaaaaaaaaaaa")
    }

    @Test func flushesShareOneConnectionAndKeepCommitOrder() throws {
        let endpoint = try FakePublisherEndpoint()
        let (publisher, metrics) = try publisher(endpoint)
        publisher.publish(venue: venue, [change(1), change(2)])
        publisher.flush()
        publisher.publish(venue: venue, [change(3)])
        publisher.flushAndWait()
        #expect(endpoint.requests.map(\.connection) == [1, 1, 1])
        #expect(endpoint.requests.map(\.body).map { $0.contains("\"version\":") } == [true, true, true])
        #expect(versionsReceived(endpoint) == messages(1...3))
        #expect(metrics.value(.livePublishFailures) == 0)
    }

    @Test func aClosedConnectionIsReplacedWithoutLosingOrRepeatingAMessage() throws {
        let endpoint = try FakePublisherEndpoint(answersPerConnection: 2)
        let (publisher, metrics) = try publisher(endpoint)
        publisher.publish(venue: venue, (1...5).map(change))
        publisher.flush()
        publisher.publish(venue: venue, [change(6)])
        publisher.flushAndWait()
        #expect(versionsReceived(endpoint) == messages(1...6))
        #expect(endpoint.requests.map(\.connection) == [1, 1, 2, 2, 3, 3])
        #expect(metrics.value(.livePublishFailures) == 0)
    }

    @Test func aFlushDoesNotWaitForNginxToAnswer() throws {
        let endpoint = try FakePublisherEndpoint()
        endpoint.answering = false
        let (publisher, metrics) = try publisher(endpoint)
        publisher.publish(venue: venue, [change(1), change(2)])
        // Waiting for the answers here would time out and count both messages as lost.
        publisher.flush()
        while endpoint.requests.isEmpty { usleep(1000) }
        publisher.publish(venue: venue, [change(3)])
        publisher.flush()
        endpoint.answering = true
        publisher.flushAndWait()
        #expect(versionsReceived(endpoint) == messages(1...3))
        #expect(endpoint.requests.map(\.connection) == [1, 1, 1])
        #expect(metrics.value(.livePublishFailures) == 0)
    }

    @Test func messagesLeftUnansweredByAClosedConnectionGoOnceMoreOnANewOne() throws {
        let endpoint = try FakePublisherEndpoint(answersPerConnection: 3, closesSilently: true)
        let (publisher, metrics) = try publisher(endpoint)
        publisher.publish(venue: venue, (1...5).map(change))
        publisher.flushAndWait()
        #expect(versionsReceived(endpoint) == messages(1...5))
        #expect(endpoint.requests.map(\.connection) == [1, 1, 1, 2, 2])
        #expect(metrics.value(.livePublishFailures) == 0)
    }

    @Test func aMessageLeftUnansweredTwiceIsCountedLost() throws {
        let endpoint = try FakePublisherEndpoint(answersPerConnection: 1, closesSilently: true)
        let (publisher, metrics) = try publisher(endpoint)
        publisher.publish(venue: venue, (1...3).map(change))
        publisher.flushAndWait()
        // 1 on the first connection; 2 and 3 again on the second, where only 2 is answered.
        #expect(versionsReceived(endpoint) == messages(1...2))
        #expect(metrics.value(.livePublishFailures) == 1)
    }

    @Test func anUnreachablePublisherCountsEveryLostMessage() throws {
        let metrics = try SharedMetrics(path: nil, routes: [])
        let publisher = LivePublisher(socketPath: "/nonexistent/nchan.sock", log: Logger(component: "test"), metrics: metrics)
        publisher.publish(venue: venue, [change(1), change(2)])
        publisher.flush()
        #expect(metrics.value(.livePublishFailures) == 2)
    }
}
