import API
import ArgumentParser
import CSystem
import Common
import FastCGIServer
import FoundationEssentials
import Glibc
import Notifier
import Runtime

/// `serve`: the worker pool (what booking-fcgi.service runs).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the FastCGI worker pool (master + workers) until SIGTERM.")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let configuration = try options.configuration(settingsFile: false)
        // The workers are new processes of this binary: they read the directory from the environment.
        if let directory = options.dataDirectory { setenv("BOOKING_DATA_DIR", directory, 1) }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let log = Logger(component: "booking-fcgi", threshold: configuration.logLevel)
        configuration.reportUnknownSettings(to: log)
        try pool(configuration, executable: resolved, log: log).run()
    }
}

/// `worker --listen-fd N`: one worker, started by the master with the listen socket.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "One worker of the pool (started by the master).", shouldDisplay: false)

    @OptionGroup var options: DataDirectoryOption
    @Option(name: .customLong("listen-fd"), help: "The inherited FastCGI listen socket.") var listenFD: Int32

    func run() throws {
        // Argon2 takes ~19 MiB per hash. glibc would raise its mmap threshold after the first
        // one and keep later ones on the heap, resident for good; a fixed threshold returns
        // each hash's memory to the kernel, so a worker stays small after a login flood.
        mallopt(M_MMAP_THRESHOLD, 4 << 20)
        // If the master dies (even by SIGKILL), the worker gets SIGTERM: it drains and exits
        // instead of lingering. A master that died before this line is seen as a new parent.
        let master = getppid()
        _ = booking_signal_when_parent_dies(SIGTERM)
        if getppid() != master { return }
        let services = try options.services("booking-fcgi", settingsFile: false)
        Worker(listenFD: listenFD, responder: Application(services: services)).run()
    }
}

/// `notifier`: email, the hold sweeper, the waiting list, the catalog, the reconciler.
struct NotifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifier", abstract: "Run the notifier (email, hold sweeper, waiting list, catalog, reconciler).")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let services = try options.services("booking-notifier", settingsFile: false)
        services.configuration.reportUnknownSettings(to: services.log)
        Notifier(services: services) { venue in BookingReplies.replies(venueID: venue, requestID: "reconciler", log: services.log) }.run()
    }
}

/// The master of the worker pool, with the files its workers map and its log.
func pool(_ configuration: Configuration, executable: String, log: Logger) -> Master {
    let settings = Master.Settings(
        socketPath: configuration.socketPath, socketMode: configuration.socketMode,
        listenBacklog: configuration.listenBacklog, workers: configuration.workers,
        drainTimeout: configuration.drainTimeout, executable: executable,
        workerArguments: { ["worker", "--listen-fd", "\($0)"] })
    // The master counts the workers it restarts in the counters its workers serve.
    var metrics: SharedMetrics?
    return Master(
        settings: settings,
        prepare: {
            try SharedMetrics.createFile(path: configuration.metricsPath, routeCount: Routes.names.count)
            try RecentVenueWrites.createFile(path: configuration.recentVenuesPath)
            metrics = try SharedMetrics(path: configuration.metricsPath, routes: Routes.names)
        },
        cleanUp: {
            unlink(configuration.metricsPath)
            unlink(configuration.recentVenuesPath)
        },
        report: { event in
            switch event {
            case .started(let workers, let socket, let pid):
                log.info("master started", ["workers": "\(workers)", "socket": socket, "pid": "\(pid)"])
            case .workerExited(let pid, let status): log.error("worker exited", ["pid": "\(pid)", "status": status])
            case .workerRestarted(let pid):
                metrics?.add(.workerRestarts)
                log.info("worker restarted", ["pid": "\(pid)"])
            case .cannotStartWorker(let error): log.error("cannot start worker", ["error": error])
            case .draining(let signal): log.info("master draining", ["signal": "\(signal)"])
            case .replacingWorkers: log.info("replacing workers", [:])
            case .stopped: log.info("master stopped", [:])
            }
        })
}
