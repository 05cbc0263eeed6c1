import CFastCGI
import Glibc

/// The pool's FastCGI listen socket as one worker uses it.
///
/// The socket is non-blocking so that a worker can take every connection already waiting
/// (a batch of bookings, `Worker`) without ever waiting for one that another worker took.
/// A worker with nothing to do waits in `epoll` with `EPOLLEXCLUSIVE`, registered only while
/// it waits: a new connection then wakes one idle worker (not all of them, as `poll` would),
/// and never a busy one, which would leave it queued while others sleep.
struct Listener {
    let socket: Int32
    private let epoll: Int32

    init(socket: Int32) {
        self.socket = socket
        // The flag is on the socket shared by the pool: every worker uses it this way.
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
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
        event.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        event.data.fd = socket
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 else {
            usleep(1000)  // cannot wait in epoll (the socket was replaced on shutdown): poll slowly
            return acceptWaiting()
        }
        _ = epoll_wait(epoll, &event, 1, 1000)
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, &event)
        return acceptWaiting()
    }
}
