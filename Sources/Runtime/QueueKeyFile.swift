import Auth
import Common
import FoundationEssentials
import Glibc

/// The queue key of an install without `BOOKING_QUEUE_KEYS`: 32 random bytes in
/// `queue.key` in the data directory (mode 0600), made by the first process that needs it.
/// Every process of the pool reads the same file, so a pass signed by one worker is valid
/// in all; the backup copies it with the data.
enum QueueKeyFile {
    static func load(directory: String) throws -> QueueKeys.Key {
        let path = directory + "/queue.key"
        if let key = try read(path) { return key }
        // Written aside and linked into place: link(2) fails if another process won the race,
        // and nobody ever reads a half-written key.
        let temporary = path + ".\(getpid()).tmp"
        let secret = ByteEncoding.base64URL(SecureRandom.bytes(32))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = secret.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, secret.utf8.count) }
        fsync(fd)
        close(fd)
        defer { unlink(temporary) }
        guard written == secret.utf8.count else { throw ConfigurationError("cannot write \(temporary)") }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw ConfigurationError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let key = try read(path) else { throw ConfigurationError("cannot read \(path)") }
        return key
    }

    private static func read(_ path: String) throws -> QueueKeys.Key? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace
        guard let secret = ByteEncoding.bytes(base64URL: text), secret.count >= 32 else {
            throw ConfigurationError("\(path) does not hold a queue key (base64url of at least 32 bytes)")
        }
        return QueueKeys.Key(id: "local", secret: secret)
    }
}
