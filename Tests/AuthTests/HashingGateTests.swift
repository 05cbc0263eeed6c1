import Foundation
import Synchronization
import Testing

@testable import Auth

@Suite("The hashing gate")
struct HashingGateTests {
    /// A fresh directory, removed after `body`.
    func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "auth-gate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func createsOneLockFilePerSlot() throws {
        try withDirectory { directory in
            let gate = try HashingGate(directory: directory, slots: 3)
            #expect(gate.slots == 3)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(files == ["argon2-slot-0.lock", "argon2-slot-1.lock", "argon2-slot-2.lock"])
        }
    }

    @Test func returnsWhatTheBodyReturnsAndRethrowsItsErrors() throws {
        struct Oops: Error {}
        try withDirectory { directory in
            let gate = try HashingGate(directory: directory, slots: 1)
            #expect(try gate.withSlot { 42 } == 42)
            #expect(throws: Oops.self) { try gate.withSlot { throw Oops() } }
            #expect(try gate.withSlot { "free again after an error" } == "free again after an error")
        }
    }

    @Test func aSecondProcessWaitsThenGivesUpWithBusy() throws {
        try withDirectory { directory in
            // Two gates on the same files hold separate open file descriptions, exactly like
            // two worker processes.
            let first = try HashingGate(directory: directory, slots: 1, timeout: .milliseconds(100))
            let second = try HashingGate(directory: directory, slots: 1, timeout: .milliseconds(100))
            let clock = ContinuousClock()
            try first.withSlot {
                let started = clock.now
                #expect(throws: AuthError.busy) { try second.withSlot {} }
                let waited = clock.now - started
                #expect(waited >= .milliseconds(100), "it waits for the whole timeout")
                #expect(waited < .seconds(2), "and not much longer")
            }
            #expect(try second.withSlot { 7 } == 7, "the slot is free again afterwards")
        }
    }

    @Test func aSlotIsReleasedWhenItsHolderGoesAway() throws {
        try withDirectory { directory in
            let gate = try HashingGate(directory: directory, slots: 1, timeout: .milliseconds(50))
            // Another process holding the slot, as a worker in the middle of a hash would.
            let fd = open(directory + "/argon2-slot-0.lock", O_RDONLY | O_CLOEXEC)
            #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
            #expect(throws: AuthError.busy) { try gate.withSlot {} }
            close(fd)  // the kernel drops the lock with the descriptor, as when a worker dies
            #expect(try gate.withSlot { true })
        }
    }

    @Test func anotherSlotIsUsedWhenOneIsBusy() throws {
        try withDirectory { directory in
            let first = try HashingGate(directory: directory, slots: 2, timeout: .milliseconds(50))
            let second = try HashingGate(directory: directory, slots: 2, timeout: .milliseconds(50))
            let third = try HashingGate(directory: directory, slots: 2, timeout: .milliseconds(50))
            try first.withSlot {
                try second.withSlot { () -> Void in
                    #expect(throws: AuthError.busy) { try third.withSlot {} }
                }
                #expect(try third.withSlot { true })
            }
        }
    }

    @Test func threadsOfOneProcessAreBoundedToo() throws {
        try withDirectory { directory in
            let gate = try HashingGate(directory: directory, slots: 2)
            let counts = Mutex((current: 0, highest: 0, done: 0))
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                try? gate.withSlot {
                    counts.withLock {
                        $0.current += 1
                        $0.highest = max($0.highest, $0.current)
                    }
                    usleep(10_000)
                    counts.withLock {
                        $0.current -= 1
                        $0.done += 1
                    }
                }
            }
            let result = counts.withLock { $0 }
            #expect(result.done == 8)
            #expect(result.highest <= 2)
        }
    }

    @Test func anUnusableDirectoryIsASetupError() {
        #expect(throws: HashingGate.SetupError.self) {
            try HashingGate(directory: "/nonexistent-" + UUID().uuidString, slots: 2)
        }
    }
}
