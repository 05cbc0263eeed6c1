import Glibc

/// `F_OFD_SETLK` from Linux's <fcntl.h>: Swift's Glibc module is built without `_GNU_SOURCE`,
/// which hides it (the value is the same on every Linux architecture).
private let openFileDescriptionSetLock: Int32 = 37

/// An exclusive `flock` on a file beside a database, taken around every write transaction.
///
/// SQLite's busy handler retries in coarse sleeps and can starve one process for seconds
/// while others commit thousands of times; the kernel queues `flock` waiters and wakes
/// them promptly, so writers from many worker processes take turns fairly.
///
/// Re-entrant within the process: `Database.exclusively` holds it across several
/// transactions, each of which takes it again.
final class WriteLock {
    private let descriptor: Int32
    private let path: String
    /// How many times this process holds the lock (0: not held).
    private var depth = 0

    var isHeld: Bool { depth > 0 }

    init(path: String) throws(SystemError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw SystemError(operation: "open \(path)", errno: errno) }
        self.path = path
    }

    deinit { close(descriptor) }

    func withLock<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { release() }
        return try body()
    }

    /// Takes the lock, waiting in the kernel's queue if another process holds it.
    func acquire() throws(SystemError) {
        if depth > 0 {
            depth += 1
            return
        }
        try lock()
        depth = 1
    }

    func release() {
        depth -= 1
        if depth == 0 { flock(descriptor, LOCK_UN) }
    }

    /// Takes the checkpoint turn unless another holder of this file's lock has it (`false`).
    ///
    /// One process checkpoints at a time: SQLite runs one checkpointer, so a second one's
    /// pass does nothing, and when the pass it skipped was the final one under the write lock,
    /// nobody restarted the WAL (it grew to 58 MB in a test with a 2 MB interval). The turn is
    /// an open-file-description lock on a byte of the same file: on Linux it does not interact
    /// with the `flock` writers queue on, and it is released if the process dies.
    func takeCheckpointTurn() -> Bool {
        var range = checkpointByte(F_WRLCK)
        return fcntl(descriptor, openFileDescriptionSetLock, &range) == 0
    }

    func endCheckpointTurn() {
        var range = checkpointByte(F_UNLCK)
        _ = fcntl(descriptor, openFileDescriptionSetLock, &range)
    }

    private func checkpointByte(_ type: Int32) -> flock {
        var range = flock()
        range.l_type = Int16(type)
        range.l_whence = Int16(SEEK_SET)
        range.l_start = 0
        range.l_len = 1
        return range
    }

    private func lock() throws(SystemError) {
        guard flock(descriptor, LOCK_EX | LOCK_NB) != 0 else { return }
        // Contended: wait, and count how long (metrics).
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw SystemError(operation: "flock \(path)", errno: errno) }
        }
        clock_gettime(CLOCK_MONOTONIC, &end)
        LockWaits.record(microseconds: (end.tv_sec - start.tv_sec) * 1_000_000 + (end.tv_nsec - start.tv_nsec) / 1000)
    }
}

/// Waits for write locks in this process since the last `drain`, for the metrics' histogram.
public enum LockWaits {
    /// A process that never drains (the notifier, a command) keeps at most this many.
    static let capacity = 256
    nonisolated(unsafe) private static var waits: [Int] = []

    static func record(microseconds waited: Int) {
        if waits.count < capacity { waits.append(waited) }
    }

    /// Hands each wait (in microseconds) to `body`, then forgets them (each worker is
    /// single-threaded).
    public static func drain(_ body: (Int) -> Void) {
        guard !waits.isEmpty else { return }
        waits.forEach(body)
        waits.removeAll(keepingCapacity: true)
    }
}
