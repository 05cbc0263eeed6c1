import Glibc

/// The pool's FastCGI listen socket as one worker uses it.
///
/// The socket is non-blocking so that a worker can take every connection already waiting
/// (a batch of bookings, `Worker`) without ever waiting for one that another worker took.
/// An idle worker sleeps in `poll`, which wakes every idle worker for a new connection; a
/// busy pool rarely has idle workers (they take waiting connections without polling).
struct Listener {
    let socket: Int32

    init(socket: Int32) {
        self.socket = socket
        // The flag is on the socket shared by the pool: every worker uses it this way.
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
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
        var waiting = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 1000) > 0 else { return nil }
        return acceptWaiting()
    }
}
