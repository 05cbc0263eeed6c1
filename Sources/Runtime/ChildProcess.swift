internal import CSystem
import FoundationEssentials
import Glibc

/// Runs a program found on PATH to its end, by `posix_spawn` (Foundation's `Process` would
/// bring all of Foundation into the processes that use it): with its output kept, or passed
/// through to ours, and killed when it outlives its deadline (an unreachable sftp host).
package enum ChildProcess {
    /// How a run ended.
    package struct Outcome: Sendable {
        /// The exit code, or nil when it was killed (by a signal, or at the deadline).
        package let exitCode: Int32?
        /// What it wrote to stdout and stderr (the first MiB of each), when kept.
        package let output: [UInt8]
        package let errors: [UInt8]

        /// "exit 1", "signal 9": for messages.
        package let ending: String
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Runs `arguments`; with `keepingOutput`, its stdout and stderr go to files read back
    /// afterwards, otherwise to ours. Its stdin is /dev/null and it gets none of our other
    /// descriptors.
    package static func run(_ arguments: [String], keepingOutput: Bool, timeout: Double = 600) throws(Failure) -> Outcome {
        let directory = ProcessEnvironment.lock.withLock { _ in getenv("TMPDIR").map { String(cString: $0) } } ?? "/tmp"
        let stem = "\(directory)/booking-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let outputPath = stem + ".out"
        let errorsPath = stem + ".err"
        defer {
            if keepingOutput {
                unlink(outputPath)
                unlink(errorsPath)
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var prepared = [posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)]
        if keepingOutput {
            prepared += [
                posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600),
                posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600),
            ]
        }
        prepared.append(booking_spawn_close_from(&actions, 3))
        if let failed = prepared.first(where: { $0 != 0 }) {
            throw Failure(description: "cannot prepare to start \(arguments[0]): \(String(cString: strerror(failed)))")
        }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var process: pid_t = 0
        let rc = ProcessEnvironment.lock.withLock { _ in posix_spawnp(&process, arguments[0], &actions, nil, &argv, environ) }
        guard rc == 0 else { throw Failure(description: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))") }
        let status = wait(for: process, until: Date().timeIntervalSince1970 + timeout)
        let output = keepingOutput ? read(outputPath) : []
        let errors = keepingOutput ? read(errorsPath) : []
        guard let status else {
            return Outcome(exitCode: nil, output: output, errors: errors, ending: "killed after \(Int(timeout)) s")
        }
        // The exit code in bits 8-15 when the low 7 bits (the signal) are 0.
        let exited = status & 0x7F == 0
        return Outcome(
            exitCode: exited ? (status >> 8) & 0xFF : nil, output: output, errors: errors,
            ending: exited ? "exit \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)")
    }

    /// The wait status, or nil when it was still running at `deadline` (then it is killed).
    private static func wait(for process: pid_t, until deadline: Double) -> Int32? {
        var status: Int32 = 0
        while true {
            let waited = waitpid(process, &status, WNOHANG)
            if waited == process { return status }
            if waited < 0 && errno != EINTR { return nil }
            if Date().timeIntervalSince1970 >= deadline {
                kill(process, SIGKILL)
                while waitpid(process, &status, 0) < 0 && errno == EINTR {}
                return nil
            }
            usleep(5_000)
        }
    }

    private static func read(_ path: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return Array(data.prefix(1 << 20))
    }
}
