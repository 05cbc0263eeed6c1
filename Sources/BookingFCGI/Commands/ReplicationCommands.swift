import ArgumentParser
import FoundationEssentials
import Runtime

/// `replication-config`: the Litestream configuration for BOOKING_REPLICA, for
/// `litestream replicate -config FILE` (scripts/stack.sh, booking-litestream.service).
struct ReplicationConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replication-config", abstract: "Write the Litestream configuration for BOOKING_REPLICA (to stdout, or --output FILE).")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "The file to write (replaced atomically).") var output: String?

    func run() throws {
        let configuration = try options.configuration()
        guard let replica = configuration.replica else { throw CommandFailure("BOOKING_REPLICA is not set: nothing to replicate to") }
        let text = LitestreamConfig.render(configuration: configuration, replica: replica)
        // Litestream refuses to watch a directory that does not exist yet.
        try FileManager.default.createDirectory(atPath: configuration.venuesDirectory, withIntermediateDirectories: true)
        guard let output else { return print(text, terminator: "") }
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    }
}

/// What `check` says of the replication lag (`ReplicationLag`): informational, not a failure.
enum ReplicationReport {
    static func lines(configuration: Configuration, venueIDs: [String]) -> [String] {
        guard let replica = configuration.replica else { return ["replication: off (BOOKING_REPLICA is not set)"] }
        return ["replication to \(replica.url):"]
            + ReplicationLag.perDatabase(configuration: configuration, venueIDs: venueIDs, askingRemote: true).map { entry in
                let lag =
                    entry.seconds.map { "lag \(($0 * 1000).rounded() / 1000) s" }
                    ?? "lag not measured (nothing replicated yet, or the replica cannot be read)"
                return "  \(entry.database): \(lag)"
            }
    }
}
