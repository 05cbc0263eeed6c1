import Glibc

/// A failed system call around a database file (the write lock's `open` and `flock`, a
/// `link` that puts a new file in place), with the `errno` it set.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was attempted, e.g. "flock /data/venues/hall.sqlite.lock".
    public let operation: String
    public let errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// `errno` as the C library words it, e.g. "No such file or directory".
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String { "\(operation) failed: \(reason) (errno \(errno))" }
}
