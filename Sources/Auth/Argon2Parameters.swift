/// Argon2id cost parameters. They are written into every PHC string, so changing them
/// only makes `PasswordHasher.needsRehash` answer true; old hashes keep verifying.
public struct Argon2Parameters: Sendable, Equatable {
    /// Memory per hash, in KiB (`m`).
    public var memoryKiB: UInt32
    /// Passes over the memory (`t`).
    public var iterations: UInt32
    /// Lanes (`p`). Kept at 1 by default: the pool bounds concurrency across processes instead.
    public var parallelism: UInt32

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// OWASP's minimum for Argon2id and the design's floor: m = 19 MiB, t = 2, p = 1.
    public static let `default` = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)
}
