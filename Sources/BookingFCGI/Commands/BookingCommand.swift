import API
import ArgumentParser
import Common
import FoundationEssentials
import Runtime

/// The command line. Unknown options, missing values and stray arguments are usage errors
/// (exit 64, usage on stderr); a failed command exits 1 with its reason on stderr.
struct BookingCommand: ParsableCommand {
    static let version = BuildInfo.version

    static let configuration = CommandConfiguration(
        commandName: "booking-fcgi",
        abstract: "The booking system: the FastCGI worker pool, the notifier and the operator commands.",
        discussion: "Every command reads the BOOKING_* settings of the services (/etc/booking/booking.env in production).",
        version: version,
        subcommands: [
            Serve.self, WorkerCommand.self, NotifierCommand.self,
            CreateAdmin.self, CreateVenue.self, ListVenues.self, Demo.self,
            Check.self, BackupCommand.self, ScheduledBackupCommand.self, RestoreCommand.self, RebuildIndex.self, Migrate.self, Reconcile.self,
            ListRoutes.self,
            ReplicationConfig.self,
        ])
}

/// `--data-dir`, which every command takes: overrides `BOOKING_DATA_DIR`.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data directory (default: BOOKING_DATA_DIR, else /var/lib/booking).")
    var dataDirectory: String?

    /// The services' configuration with this option applied. An operator command also reads
    /// the settings file (`SettingsFile`); the services get it from systemd instead, and
    /// `make run` and the tests from their own environment (`settingsFile: false`).
    func configuration(settingsFile: Bool = true) throws -> Configuration {
        let process = ProcessInfo.processInfo.environment
        var environment = settingsFile ? try SettingsFile.environment(over: process) : process
        if let dataDirectory {
            guard !dataDirectory.isEmpty else { throw ValidationError("--data-dir needs a directory") }
            environment["BOOKING_DATA_DIR"] = dataDirectory
        }
        return try Configuration(environment: environment)
    }

    /// What a command opens: the stores, with the pool's metric rows.
    func services(_ component: String, settingsFile: Bool = true) throws -> Services {
        let configuration = try configuration(settingsFile: settingsFile)
        return try Services(
            configuration: configuration, log: Logger(component: component, threshold: configuration.logLevel), routes: API.Routes.names)
    }

    /// The stores, for a command that writes into the data directory: refused as root when the
    /// directory belongs to another user (`ServiceUser`); `command` is how to run it instead.
    func servicesForWriting(_ command: String) throws -> Services {
        try ServiceUser.check(dataDirectory: configuration().dataDirectory, command: command)
        return try services("cli")
    }
}

/// The failure of a command, said on stderr.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
