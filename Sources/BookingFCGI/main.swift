import API
import CSystem
import Common
import FastCGIServer
import FoundationEssentials
import Glibc
import Runtime

/// `booking-fcgi serve` runs the pool (master + workers); `worker` is how the master starts
/// each worker. Operator commands are added beside them.
let arguments = Array(CommandLine.arguments.dropFirst())
let log = Logger(component: "booking-fcgi")

func fail(_ message: String) -> Never {
    writeStandardError("booking-fcgi: \(message)\n")
    exit(2)
}

do {
    var options: [String: String] = [:]
    var index = 1
    while index + 1 < arguments.count, arguments[index].hasPrefix("--") {
        options[String(arguments[index].dropFirst(2))] = arguments[index + 1]
        index += 2
    }
    var environment = ProcessInfo.processInfo.environment
    if let dataDirectory = options["data-dir"] { environment["BOOKING_DATA_DIR"] = dataDirectory }
    let configuration = try Configuration(environment: environment)
    switch arguments.first {
    case "serve":
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try pool(configuration, executable: resolved).run()
    case "worker":
        guard let fd = options["listen-fd"].flatMap(Int32.init) else {
            fail("usage: booking-fcgi worker --listen-fd N (started by the master)")
        }
        // Argon2 takes ~19 MiB per hash. glibc would raise its mmap threshold after the first
        // one and keep later ones on the heap, resident for good; a fixed threshold returns
        // each hash's memory to the kernel, so a worker stays small after a login flood.
        mallopt(M_MMAP_THRESHOLD, 4 << 20)
        // If the master dies (even by SIGKILL), the worker gets SIGTERM: it drains and exits
        // instead of lingering. A master that died before this line is seen as a new parent.
        let master = getppid()
        _ = booking_signal_when_parent_dies(SIGTERM)
        if getppid() != master { exit(0) }
        let services = try Services(configuration: configuration, log: log, routes: Routes.names)
        Worker(listenFD: fd, responder: Application(services: services)).run()
    case let command?:
        exit(try Commands.run(command, options: options, configuration: configuration))
    case nil:
        fail(Commands.usage)
    }
} catch {
    fail("\(error)")
}

/// The master of the worker pool, with the files its workers map and its log.
func pool(_ configuration: Configuration, executable: String) -> Master {
    let settings = Master.Settings(
        socketPath: configuration.socketPath, socketMode: configuration.socketMode,
        listenBacklog: configuration.listenBacklog, workers: configuration.workers,
        drainTimeout: configuration.drainTimeout, executable: executable,
        workerArguments: { ["worker", "--listen-fd", "\($0)"] })
    return Master(
        settings: settings,
        prepare: {
            try SharedMetrics.createFile(path: configuration.metricsPath, routeCount: Routes.names.count)
            try RecentVenueWrites.createFile(path: configuration.recentVenuesPath)
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
            case .cannotStartWorker(let error): log.error("cannot start worker", ["error": error])
            case .draining(let signal): log.info("master draining", ["signal": "\(signal)"])
            case .replacingWorkers: log.info("replacing workers", [:])
            case .stopped: log.info("master stopped", [:])
            }
        })
}
