import Foundation
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
    let configuration = try Configuration()
    switch arguments.first {
    case "serve":
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? executable
        try Master(configuration: configuration, executable: resolved, log: log).run()
    case "worker":
        guard arguments.count == 3, arguments[1] == "--listen-fd", let fd = Int32(arguments[2]) else {
            fail("usage: booking-fcgi worker --listen-fd N (started by the master)")
        }
        let services = try Services(configuration: configuration, log: log)
        Worker(listenFD: fd, application: Application(services: services)).run()
    default:
        fail("usage: booking-fcgi serve | worker --listen-fd N")
    }
} catch {
    fail("\(error)")
}
