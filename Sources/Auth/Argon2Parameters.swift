/// Argon2id cost parameters (DESIGN.md: at least m=19 MiB, t=2, p=1).
public struct Argon2Parameters: Sendable, Equatable {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public static let `default` = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)
}
