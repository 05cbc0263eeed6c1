import Glibc

/// An exclusive `flock` on a file beside a database, taken around every write transaction.
///
/// SQLite's busy handler retries in coarse sleeps and can starve one process for seconds
/// while others commit thousands of times; the kernel queues `flock` waiters and wakes
/// them promptly, so writers from many worker processes take turns fairly.
final class WriteLock {
    private let descriptor: Int32

    init(path: String) throws(SQLiteError) {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw SQLiteError(code: 14, message: "cannot open lock file \(path): errno \(errno)", sql: nil)
        }
    }

    deinit { close(descriptor) }

    func withLock<T>(_ body: () throws -> T) throws -> T {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw SQLiteError(code: 14, message: "flock failed: errno \(errno)", sql: nil)
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
