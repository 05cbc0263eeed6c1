import ArgumentParser
import Common
import Glibc

/// Commands that write into the data directory run as the user who owns it (the service
/// user in production), so that the files they make keep that owner: root would leave files
/// the services can no longer open.
enum ServiceUser {
    /// Refuses when this process is root and `directory` belongs to another user, saying how
    /// to run the command instead (exit 77, EX_NOPERM). A missing directory, or one of root's
    /// (development, CI), passes.
    static func check(dataDirectory directory: String, command: String) throws {
        guard geteuid() == 0 else { return }
        var status = stat()
        guard stat(directory, &status) == 0, status.st_uid != 0 else { return }
        let owner = getpwuid(status.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "\(status.st_uid)"
        writeStandardError(
            """
            Error: \(directory) belongs to \(owner); run this as that user so the files keep their owner:
              runuser -u \(owner) -- booking-fcgi \(command)

            """)
        throw ExitCode(77)
    }
}
