import Glibc
import Synchronization

/// Bounds how many Argon2 computations run at once across the whole worker pool. Each costs
/// tens of milliseconds and `memoryKiB` of memory, so a login flood must neither starve
/// bookings of CPU nor grow every worker's memory; a per-process limit would not do, because
/// the pool is many processes.
///
/// Each slot is a lock file `argon2-slot-<n>.lock` in `directory`; a caller holds one slot's
/// `flock` while it hashes. Locks belong to the open file description, and the kernel drops
/// them when the holder dies, so a crashed worker never leaks a slot.
///
/// Create the gate in each worker process (the descriptors are `O_CLOEXEC`; a child that
/// forks without exec must not reuse its parent's gate, as it would share the parent's locks).
public final class HashingGate: Sendable {
    /// Why a gate could not be set up (at worker start).
    public struct SetupError: Error, CustomStringConvertible {
        public let path: String
        public let errorNumber: Int32
        public var description: String { "cannot open \(path): \(String(cString: strerror(errorNumber)))" }
    }

    /// How many computations may run at once across all processes using `directory`.
    public let slots: Int
    /// How long `withSlot` waits for a free slot before giving up with `AuthError.busy`.
    public let timeout: Duration

    private let descriptors: [Int32]
    /// Slots taken by threads of this process: `flock` cannot tell two threads sharing one
    /// descriptor apart, so the process first claims a slot for one thread here.
    private let claimed: Mutex<[Bool]>

    /// Opens (creating if needed) the slot files and keeps them open for the gate's lifetime.
    /// - Parameters:
    ///   - directory: an existing directory shared by every worker of the pool.
    ///   - slots: how many hashes may run at once (at least 1); a few per core is plenty.
    ///   - timeout: how long a caller waits for a slot (default 5 s).
    public init(directory: String, slots: Int, timeout: Duration = .seconds(5)) throws {
        let count = max(1, slots)
        var descriptors: [Int32] = []
        for index in 0..<count {
            let path = "\(directory)/argon2-slot-\(index).lock"
            // Read-only is enough for flock, and lets processes of other users share the files.
            var fd: Int32
            repeat { fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644) } while fd < 0 && errno == EINTR
            guard fd >= 0 else {
                let error = SetupError(path: path, errorNumber: errno)
                descriptors.forEach { _ = close($0) }
                throw error
            }
            descriptors.append(fd)
        }
        self.slots = count
        self.timeout = timeout
        self.descriptors = descriptors
        self.claimed = Mutex([Bool](repeating: false, count: count))
    }

    deinit {
        for fd in descriptors { _ = close(fd) }
    }

    /// Runs `body` while holding a slot. Tries every slot once, starting at a random one so
    /// that waiters spread out, then sleeps 2 ms, growing to 20 ms, and tries again.
    /// Do not nest calls: the inner one would wait for a slot the outer one holds.
    /// - Throws: `AuthError.busy` when no slot became free within `timeout`; otherwise
    ///   whatever `body` throws.
    public func withSlot<T>(_ body: () throws -> T) throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause: Duration = .milliseconds(2)
        while true {
            if let slot = acquire() {
                defer { release(slot) }
                return try body()
            }
            let now = clock.now
            guard now < deadline else { throw AuthError.busy }
            Self.sleep(min(pause, deadline - now))
            pause = min(pause * 2, .milliseconds(20))
        }
    }

    /// One pass over the slots; the index of the slot now held, or nil when all are busy.
    private func acquire() -> Int? {
        let start = Int.random(in: 0..<slots)
        for offset in 0..<slots {
            let slot = (start + offset) % slots
            let mine = claimed.withLock { claimed in
                guard !claimed[slot] else { return false }
                claimed[slot] = true
                return true
            }
            guard mine else { continue }
            if flock(descriptors[slot], LOCK_EX | LOCK_NB) == 0 { return slot }
            // Busy in another process (EWOULDBLOCK) or failing: either way, try the next one.
            claimed.withLock { $0[slot] = false }
        }
        return nil
    }

    private func release(_ slot: Int) {
        _ = flock(descriptors[slot], LOCK_UN)
        claimed.withLock { $0[slot] = false }
    }

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        // Resume after signals: the pool's SIGTERM/SIGHUP handlers must not shorten the wait.
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
