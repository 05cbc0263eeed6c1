import FoundationEssentials
import CFastCGI
import Glibc

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
        try Master(configuration: configuration, executable: resolved, log: log).run()
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
        let services = try Services(configuration: configuration, log: log)
        Worker(listenFD: fd, application: Application(services: services)).run()
    case let command?:
        exit(try Commands.run(command, options: options, configuration: configuration))
    case nil:
        fail(Commands.usage)
    }
} catch {
    fail("\(error)")
}
