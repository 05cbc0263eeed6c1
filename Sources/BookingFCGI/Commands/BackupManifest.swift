import Common
import Crypto
import FoundationEssentials
import Glibc
import Runtime
import Storage

/// `manifest.json`, the last file a backup writes: every file of it with its size, SHA-256
/// and, for a database, its schema version. A backup without one did not finish; `restore`
/// reads nothing of a backup whose files do not match it (a truncated copy, a file changed
/// or slipped in since).
struct BackupManifest: Codable, Equatable {
    struct File: Codable, Equatable {
        /// Relative to the backup directory.
        let path: String
        let bytes: Int
        let sha256: String
        /// `PRAGMA user_version` of a database; nil for a settings file.
        let schemaVersion: Int?
    }

    static let fileName = "manifest.json"

    var format = 1
    let createdAt: String
    /// The `booking-fcgi --version` that made it.
    let version: String
    let files: [File]

    /// Describes the files at `paths` (relative to `directory`) and writes the manifest.
    static func write(in directory: String, paths: [String], createdAt: Int) throws -> BackupManifest {
        let files = try paths.sorted().map { path in
            let full = "\(directory)/\(path)"
            // First: opening a database may settle its header (journal mode), then it stays put.
            let schema = path.hasSuffix(".sqlite") ? try DatabaseFiles.schemaVersion(ofDatabaseAt: full) : nil
            let (bytes, digest) = try measure(full)
            return File(path: path, bytes: bytes, sha256: digest, schemaVersion: schema)
        }
        let manifest = BackupManifest(createdAt: RFC3339.string(fromSeconds: createdAt), version: BuildInfo.version, files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SmallFile.create("\(directory)/\(fileName)", with: Array(try encoder.encode(manifest)) + [10], mode: 0o640)
        return manifest
    }

    /// The manifest of the backup in `directory`, once every file it lists is there as it
    /// says and no database is there that it does not list.
    static func verified(in directory: String) throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(fileName)") else {
            throw Backup.Failure(description: "\(directory) has no \(fileName): not a finished backup (or one made before manifests)")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw Backup.Failure(description: "\(directory)/\(fileName) is not a backup manifest: \(error)")
        }
        for file in manifest.files {
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                throw Backup.Failure(description: "\(fileName) names a file outside the backup: \(file.path)")
            }
            let full = "\(directory)/\(file.path)"
            guard FileManager.default.fileExists(atPath: full) else { throw Backup.Failure(description: "\(full) is missing from the backup") }
            let (bytes, digest) = try measure(full)
            guard bytes == file.bytes, digest == file.sha256 else {
                throw Backup.Failure(description: "\(full) does not match the manifest (\(bytes) bytes, expected \(file.bytes); checksum differs)")
            }
        }
        let listed = Set(manifest.files.map(\.path))
        let databases = ["auth.sqlite"] + ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/venues")) ?? []).map { "venues/" + $0 }
        for path in databases where path.hasSuffix(".sqlite") && FileManager.default.fileExists(atPath: "\(directory)/\(path)") {
            guard listed.contains(path) else { throw Backup.Failure(description: "\(directory)/\(path) is not in the manifest") }
        }
        return manifest
    }

    /// The size and SHA-256 (hex) of the file at `path`, read in 1 MiB pieces.
    private static func measure(_ path: String) throws -> (Int, String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Backup.Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hash = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Backup.Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            hash.update(data: buffer[0..<count])
            total += count
        }
        return (total, ByteEncoding.hex(hash.finalize()))
    }
}
