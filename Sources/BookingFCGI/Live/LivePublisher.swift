import Foundation
import Glibc
import Storage

/// Publishes seat-map changes to nchan's publisher, which listens only on a unix socket
/// (deploy/nginx.conf). Called after the commit, outside the write lock. A lost publish is
/// harmless: clients see a version gap on the next message and re-read the seat map.
final class LivePublisher {
    let socketPath: String
    let log: Logger
    let metrics: SharedMetrics
    /// How long one publish may take before it is given up.
    private let timeout = timeval(tv_sec: 0, tv_usec: 250_000)

    init(socketPath: String, log: Logger, metrics: SharedMetrics) {
        self.socketPath = socketPath
        self.log = log
        self.metrics = metrics
    }

    func publish(venue: VenueID, _ changes: [LiveChange]) {
        for change in changes {
            let path = "/pub/venues/\(venue.value)/events/\(change.eventID)"
            if !post(path: path, body: Self.message(change)) {
                metrics.add(.livePublishFailures)
                log.error("live publish failed", ["venue": venue.value, "event": change.eventID, "version": "\(change.version)"])
            }
        }
    }

    /// The message of API.md: `{version, seats: [{id, state}], ga: [{section, available}]}`.
    /// Ids are validated slugs and need no escaping.
    static func message(_ change: LiveChange) -> [UInt8] {
        let seats = change.seats.map { "{\"id\":\"\($0.id)\",\"state\":\"\($0.state.rawValue)\"}" }.joined(separator: ",")
        let ga = change.ga.map { "{\"section\":\"\($0.section)\",\"available\":\($0.available)}" }.joined(separator: ",")
        return Array("{\"version\":\(change.version),\"seats\":[\(seats)],\"ga\":[\(ga)]}".utf8)
    }

    /// One HTTP/1.0 POST over the unix socket; true on a 2xx answer.
    private func post(path: String, body: [UInt8]) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var limit = timeout
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("POST \(path) HTTP/1.0\r\nHost: nchan\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        var reply = [UInt8](repeating: 0, count: 64)
        let got = recv(fd, &reply, reply.count, 0)
        guard got >= 12 else { return false }
        // "HTTP/1.1 201 Created" or "202 Accepted": nchan answers 2xx to a publish.
        return reply[9] == UInt8(ascii: "2")
    }
}
