internal import CFastCGI
import Common
import FoundationEssentials
import Glibc

/// The pool's master process: binds the FastCGI socket, spawns `workers` workers (each a
/// fresh exec of this binary, so a SIGHUP also picks up an upgraded binary), restarts
/// any that die, drains on SIGTERM/SIGINT and replaces workers one at a time on SIGHUP.
///
/// The master never serves requests and never opens a database; it only waits for signals.
package struct Master {
    /// How the pool listens and how many workers it keeps.
    package struct Settings: Sendable {
        package var socketPath: String
        package var socketMode: mode_t
        package var listenBacklog: Int
        package var workers: Int
        /// Seconds a worker may take to finish its request when asked to stop.
        package var drainTimeout: Double
        /// The executable to start for each worker, and its arguments after the program name
        /// given the inherited listen descriptor.
        package var executable: String
        package var workerArguments: @Sendable (Int32) -> [String]

        package init(
            socketPath: String, socketMode: mode_t, listenBacklog: Int, workers: Int, drainTimeout: Double,
            executable: String, workerArguments: @escaping @Sendable (Int32) -> [String]
        ) {
            self.socketPath = socketPath
            self.socketMode = socketMode
            self.listenBacklog = listenBacklog
            self.workers = workers
            self.drainTimeout = drainTimeout
            self.executable = executable
            self.workerArguments = workerArguments
        }
    }

    package let settings: Settings
    /// Called once the socket is bound and before any worker starts (e.g. files the workers map).
    package let prepare: () throws -> Void
    /// Called after the last worker stopped, before the master exits.
    package let cleanUp: () -> Void
    /// What happens to the pool, for the log.
    package let report: (PoolEvent) -> Void

    package init(
        settings: Settings, prepare: @escaping () throws -> Void = {}, cleanUp: @escaping () -> Void = {},
        report: @escaping (PoolEvent) -> Void
    ) {
        self.settings = settings
        self.prepare = prepare
        self.cleanUp = cleanUp
        self.report = report
    }

    private static let handled: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP]

    package func run() throws(ServerError) -> Never {
        let socketPath = settings.socketPath
        unlink(socketPath)
        FCGX_Init()
        let listenFD = FCGX_OpenSocket(socketPath, Int32(settings.listenBacklog))
        guard listenFD >= 0 else { throw ServerError("cannot listen on \(socketPath)") }
        // nginx (another user in production) must be able to connect; the directory guards access.
        chmod(socketPath, settings.socketMode)
        _ = fcntl(listenFD, F_SETFD, 0)  // inherited by the exec'd workers

        do { try prepare() } catch { throw ServerError("cannot prepare the pool: \(error)") }
        var signals = signalSet(Self.handled)
        sigprocmask(SIG_BLOCK, &signals, nil)

        var pool = WorkerPool(spawn: { try spawnWorker(listenFD: listenFD) }, report: report)
        for _ in 0..<settings.workers {
            do { try pool.start() } catch { throw ServerError("\(error)") }
        }
        report(.started(workers: settings.workers, socket: socketPath, pid: getpid()))

        while true {
            var info = siginfo_t()
            var timeout = timespec(tv_sec: 1, tv_nsec: 0)
            let signal = sigtimedwait(&signals, &info, &timeout)
            switch signal {
            case SIGCHLD:
                pool.reapAndRestart()
            case SIGTERM, SIGINT:
                report(.draining(signal: signal))
                pool.stopAll(timeout: settings.drainTimeout)
                unlink(socketPath)
                cleanUp()
                report(.stopped)
                exit(0)
            case SIGHUP:
                report(.replacingWorkers)
                pool.replaceAll(timeout: settings.drainTimeout)
            default:
                pool.reapAndRestart()  // periodic: also restarts after a spawn failure
            }
        }
    }

    /// Starts one worker with a clean signal state.
    private func spawnWorker(listenFD: Int32) throws(ServerError) -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = signalSet(Self.handled)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = [settings.executable] + settings.workerArguments(listenFD)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, settings.executable, nil, &attributes, &argv, environ)
        guard rc == 0 else { throw ServerError("cannot start a worker: \(String(cString: strerror(rc)))") }
        return pid
    }
}

/// What the master reports about its pool.
package enum PoolEvent: Sendable, Equatable {
    case started(workers: Int, socket: String, pid: pid_t)
    case workerExited(pid: pid_t, status: String)
    /// A worker started in place of one that exited (not SIGHUP's rolling replacement).
    case workerRestarted(pid: pid_t)
    case cannotStartWorker(String)
    case draining(signal: Int32)
    case replacingWorkers
    case stopped
}

/// The pool could not start: the socket, a worker or the preparation failed.
package struct ServerError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
