import Glibc

/// Writing the small files the processes leave for each other (heartbeats, figures) and the
/// configurations they hand to Litestream.
package enum SmallFile {
    /// Replaces the file at `path` by a rename of a sibling, so a reader sees the old bytes
    /// or the new ones, never half; false when it could not (a full disk).
    @discardableResult
    package static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o640) -> Bool {
        let temporary = path + ".tmp"
        guard (try? create(temporary, with: bytes, mode: mode, exclusive: false)) != nil else { return false }
        return rename(temporary, path) == 0
    }

    /// Writes a new file (with `exclusive`, one that did not exist) holding `bytes`.
    package static func create(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600, exclusive: Bool = true) throws(WriteFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), mode)
        guard fd >= 0 else { throw WriteFailure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let error = errno
        close(fd)
        guard written == bytes.count else {
            unlink(path)
            throw WriteFailure(description: "cannot write \(path): \(written < 0 ? String(cString: strerror(error)) : "short write")")
        }
    }

    package struct WriteFailure: Error, CustomStringConvertible {
        package let description: String
    }
}
