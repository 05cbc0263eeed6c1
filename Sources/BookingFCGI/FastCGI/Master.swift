import CFastCGI
import FoundationEssentials
import Glibc

/// The pool's master process: binds the FastCGI socket, spawns `workerCount` workers (each a
/// fresh exec of this binary, so a SIGHUP also picks up an upgraded binary), restarts
/// any that die, drains on SIGTERM/SIGINT and replaces workers one at a time on SIGHUP.
///
/// The master never serves requests and never opens a database; it only waits for signals.
struct Master {
    let configuration: Configuration
    let executable: String
    let log: Logger

    private static let handled: [Int32] = [SIGCHLD, SIGTERM, SIGINT, SIGHUP]

    func run() throws -> Never {
        let socketPath = configuration.socketPath
        unlink(socketPath)
        FCGX_Init()
        let listenFD = FCGX_OpenSocket(socketPath, Int32(configuration.listenBacklog))
        guard listenFD >= 0 else { throw ConfigurationError("cannot listen on \(socketPath)") }
        // nginx (another user in production) must be able to connect; the directory guards access.
        chmod(socketPath, configuration.socketMode)
        _ = fcntl(listenFD, F_SETFD, 0)  // inherited by the exec'd workers

        try SharedMetrics.createFile(path: configuration.metricsPath, routeCount: Routes.make().routes.count)
        try RecentVenueWrites.createFile(path: configuration.recentVenuesPath)
        var signals = signalSet(Self.handled)
        sigprocmask(SIG_BLOCK, &signals, nil)

        var pool = WorkerPool(spawn: { try spawnWorker(listenFD: listenFD) }, log: log)
        for _ in 0..<configuration.workers { try pool.start() }
        log.info("master started", ["workers": "\(configuration.workers)", "socket": socketPath, "pid": "\(getpid())"])

        while true {
            var info = siginfo_t()
            var timeout = timespec(tv_sec: 1, tv_nsec: 0)
            let signal = sigtimedwait(&signals, &info, &timeout)
            switch signal {
            case SIGCHLD:
                pool.reapAndRestart()
            case SIGTERM, SIGINT:
                log.info("master draining", ["signal": "\(signal)"])
                pool.stopAll(timeout: configuration.drainTimeout)
                unlink(socketPath)
                unlink(configuration.metricsPath)
                unlink(configuration.recentVenuesPath)
                log.info("master stopped", [:])
                exit(0)
            case SIGHUP:
                log.info("replacing workers", [:])
                pool.replaceAll(timeout: configuration.drainTimeout)
            default:
                pool.reapAndRestart()  // periodic: also restarts after a spawn failure
            }
        }
    }

    /// Starts one worker: this executable with `worker --listen-fd N` and a clean signal state.
    private func spawnWorker(listenFD: Int32) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = signalSet(Self.handled)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = [executable, "worker", "--listen-fd", "\(listenFD)"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, nil, &attributes, &argv, environ)
        guard rc == 0 else { throw ConfigurationError("cannot start a worker: \(String(cString: strerror(rc)))") }
        return pid
    }
}
