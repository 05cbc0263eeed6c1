internal import CSystem
import Common
import Dispatch
import FoundationEssentials
import Glibc
import Runtime

/// Sends mail through the system's `sendmail` interface, called exactly as DESIGN.md says:
/// `sendmail -i -f <sender> -- <recipient>`, never `-t` (recipients are never read from
/// headers), so nothing in a message can add a recipient. sendmail is started with
/// `posix_spawn` (Foundation's `Process` would bring all of Foundation into every worker).
struct Mailer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The message itself was refused (an unsafe address, or sendmail exited with a status
        /// other than EX_TEMPFAIL), so retrying it may never help. Anything else (the mail
        /// server unreachable, which msmtp and Postfix report as EX_TEMPFAIL, a hung or
        /// missing sendmail) passes once the server or the configuration is back.
        var permanent = false
    }

    /// sysexits.h: a temporary failure, "try again later".
    static let exitTemporaryFailure: Int32 = 75

    let sendmailPath: String
    let sender: String
    /// A hung MTA is stopped after this long, so it cannot stall every other notification.
    var timeoutSeconds = 30

    func send(to recipient: String, message: [UInt8]) throws(Failure) {
        guard !recipient.hasPrefix("-"), recipient.contains("@"),
            recipient.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw Failure(description: "refusing an unsafe recipient address", permanent: true)
        }
        // The message is read from a file, not a pipe: if the notifier dies mid-message,
        // sendmail still reads all of it (through a pipe it would send a truncated mail).
        let input = try Self.unlinkedFile(holding: message)
        defer { close(input) }
        var errors: [Int32] = [-1, -1]
        guard pipe(&errors) == 0 else { throw Failure(description: "cannot create a pipe: errno \(errno)") }
        defer { close(errors[0]) }
        let spawned = Result { () throws(Failure) in
            try spawn(arguments: [sendmailPath, "-i", "-f", sender, "--", recipient], input: input, errors: errors[1])
        }
        close(errors[1])  // the child has its copy; the pipe ends when the child's copies close
        let process = try spawned.get()
        let deadline = DispatchTime.now() + .seconds(timeoutSeconds)
        let (detail, status) = Self.wait(for: process, reading: errors[0], until: deadline)
        guard let status else {
            // sendmail leads its own process group: whatever it started goes too.
            kill(-process, SIGKILL)
            while waitpid(process, nil, 0) < 0 && errno == EINTR {}
            throw Failure(description: "sendmail did not finish within \(timeoutSeconds) s")
        }
        guard status != Self.statusLost else { throw Failure(description: "sendmail's exit status was lost (SIGCHLD ignored?)") }
        let exitedNormally = status & 0x7F == 0
        let exitCode = (status >> 8) & 0xFF
        guard exitedNormally, exitCode == 0 else {
            let reason = exitedNormally ? "exited with \(exitCode)" : "was killed by signal \(status & 0x7F)"
            throw Failure(
                description: "sendmail \(reason): " + String(decoding: detail.prefix(300), as: UTF8.self).trimmingWhitespace,
                permanent: exitedNormally && exitCode != Self.exitTemporaryFailure)
        }
    }

    /// Starts `arguments[0]` in a process group of its own, every signal at its default (the
    /// notifier ignores SIGPIPE), with `input` as its stdin, stdout to /dev/null, stderr to
    /// `errors`, and no other descriptor of ours.
    private func spawn(arguments: [String], input: Int32, errors: Int32) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var all = sigset_t()
        var none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        let prepared = [
            posix_spawn_file_actions_adddup2(&actions, input, 0),
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0),
            posix_spawn_file_actions_adddup2(&actions, errors, 2),
            booking_spawn_close_from(&actions, 3),
            posix_spawnattr_setsigdefault(&attributes, &all),
            posix_spawnattr_setsigmask(&attributes, &none),
            posix_spawnattr_setpgroup(&attributes, 0),
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP)),
        ]
        if let failed = prepared.first(where: { $0 != 0 }) {
            throw Failure(description: "cannot prepare to start sendmail: \(String(cString: strerror(failed)))")
        }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var process: pid_t = 0
        let rc = ProcessEnvironment.lock.withLock { _ in posix_spawn(&process, sendmailPath, &actions, &attributes, &argv, environ) }
        guard rc == 0 else { throw Failure(description: "cannot start \(sendmailPath): \(String(cString: strerror(rc)))") }
        return process
    }

    /// The wait status when `waitpid` could not give one.
    private static let statusLost: Int32 = -1

    /// Waits for `process` to exit, collecting what it writes on `pipe` (the first 64 KiB),
    /// until `deadline`; the wait status, or nil when it is still running then. Its exit, not
    /// the pipe's end, decides: an MTA's own children may keep stderr open.
    private static func wait(for process: pid_t, reading pipe: Int32, until deadline: DispatchTime) -> (output: [UInt8], status: Int32?) {
        var output: [UInt8] = []
        var pipeOpen = true
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var status: Int32 = 0
            let waited = waitpid(process, &status, WNOHANG)
            // -1 other than EINTR: already reaped (SIGCHLD ignored); nothing left to wait for.
            let exited = waited == process || (waited < 0 && errno != EINTR)
            // While it runs: up to 100 ms for output. Once it has exited: what is left, at
            // most 64 KiB more (a child of it may go on writing).
            var drained = 0
            repeat {
                var ready = pollfd(fd: pipe, events: Int16(POLLIN), revents: 0)
                guard pipeOpen, drained < 65_536, poll(&ready, 1, exited ? 0 : 100) > 0 else { break }
                let count = read(pipe, &buffer, buffer.count)
                if count > 0, output.count < 65_536 { output += buffer.prefix(count) }
                if count == 0 || (count < 0 && errno != EINTR) { pipeOpen = false }
                drained += max(count, 0)
            } while exited
            if exited { return (output, waited == process ? status : statusLost) }
            if DispatchTime.now() >= deadline { return (output, nil) }
            if !pipeOpen { usleep(20_000) }
        }
    }

    /// A temporary file, already unlinked, holding `bytes`, positioned at its start.
    private static func unlinkedFile(holding bytes: [UInt8]) throws(Failure) -> Int32 {
        let directory = ProcessEnvironment.lock.withLock { _ in getenv("TMPDIR").map { String(cString: $0) } } ?? "/tmp"
        var template = Array((directory + "/booking-mail-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(description: "cannot create a temporary file for the message: errno \(errno)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 || (count < 0 && errno == EINTR) else {
                close(fd)
                throw Failure(description: "cannot write the message to a temporary file: errno \(errno)")
            }
            written += max(count, 0)
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }
}
