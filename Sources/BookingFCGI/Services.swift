import Storage

/// The long-lived objects of one worker process, built once at start.
final class Services {
    let configuration: Configuration
    let log: Logger

    init(configuration: Configuration, log: Logger) {
        self.configuration = configuration
        self.log = log
    }
}
