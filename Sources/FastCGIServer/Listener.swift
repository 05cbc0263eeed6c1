internal import CFastCGI
internal import CSystem
import Glibc

/// The pool's FastCGI listen socket as one worker uses it.
///
/// The socket is non-blocking so that a worker can take every connection already waiting
/// (a batch of bookings, `Worker`) without ever waiting for one that another worker took.
/// A worker with nothing to do waits in `epoll` with `EPOLLEXCLUSIVE`: a new connection
/// wakes one worker that is waiting (the kernel passes over a busy one, whose epoll has no
/// waiter), not all of them as `poll` would.
struct Listener {
    let socket: Int32
    private let epoll: Int32

    init(socket: Int32) {
        self.socket = socket
        // The flag is on the socket shared by the pool: every worker uses it this way.
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.fd = socket
        if epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) != 0 {
            event.events = EPOLLIN.rawValue  // kernels before 4.5: every idle worker wakes
            _ = epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event)
        }
    }

    /// A connection that is waiting now, or nil.
    func acceptWaiting() -> Int32? {
        let connection = accept(socket, nil, nil)
        if connection >= 0 { return connection }
        if errno == EMFILE || errno == ENFILE { usleep(10_000) }  // out of descriptors: let requests finish
        return nil
    }

    /// The next connection, waiting for up to a second; nil when none came (or a signal
    /// interrupted the wait), so the caller can look at its shutdown flag.
    func acceptNext() -> Int32? {
        if let connection = acceptWaiting() { return connection }
        var event = epoll_event()
        guard epoll_wait(epoll, &event, 1, 1000) > 0 else { return nil }
        return acceptWaiting()
    }
}
