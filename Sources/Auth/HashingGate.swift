import Foundation
import Glibc

/// Bounds how many Argon2 computations run at once across the whole worker pool (each costs
/// ~25 ms and 19 MiB): a login flood can then neither starve bookings nor grow memory.
/// Each slot is a lock file; a hasher holds one slot's `flock` while it works.
public final class HashingGate: @unchecked Sendable {
    private let descriptors: [Int32]
    private let timeout: Double

    public init(directory: String, slots: Int, timeout: Double = 5) throws {
        self.timeout = timeout
        var descriptors: [Int32] = []
        for index in 0..<max(1, slots) {
            let fd = open("\(directory)/argon2-slot-\(index).lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw AuthError.hashingFailed }
            descriptors.append(fd)
        }
        self.descriptors = descriptors
    }

    deinit { descriptors.forEach { close($0) } }

    /// Runs `body` while holding a free slot; throws `AuthError.busy` when none frees up in time.
    public func withSlot<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 2000
        let start = Int.random(in: 0..<descriptors.count)
        while true {
            for offset in 0..<descriptors.count {
                let fd = descriptors[(start + offset) % descriptors.count]
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    defer { flock(fd, LOCK_UN) }
                    return try body()
                }
            }
            guard Date() < deadline else { throw AuthError.busy }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }
}
