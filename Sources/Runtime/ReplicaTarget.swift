/// Where Litestream streams the databases (`BOOKING_REPLICA`): a local directory, or a
/// `file://`, `sftp://` or `s3://` URL. Below the base, venue `ID` lives at `venues/ID.sqlite`
/// (Litestream's directory replication names each file so) and the accounts at `auth.sqlite`.
/// An S3 URL may end in Litestream's query (`?endpoint=https://minio.example&region=...`
/// for S3-compatible stores); it stays on every database's URL, after the path.
package struct ReplicaTarget: Sendable, Equatable {
    /// The base as a URL Litestream understands, without a trailing slash or the query.
    package let url: String
    /// `?...` of an S3 URL, or empty.
    package let query: String
    /// An sftp replica's private key (`BOOKING_REPLICA_SSH_KEY`) and the server's public
    /// host key (`BOOKING_REPLICA_SSH_HOST_KEY`, as `ssh-keyscan` prints it), so the replica
    /// goes only to that server.
    package let sshKeyPath: String?
    package let sshHostKey: String?

    /// Parses `text`; a relative path, an unknown scheme or a URL without a host, bucket or
    /// path is an error naming what is wrong, as is an sftp URL without the keys it needs.
    package init(_ text: String, sshKeyPath: String? = nil, sshHostKey: String? = nil) throws(ConfigurationError) {
        var base = text
        var query = ""
        if let mark = base.firstIndex(of: "?") {
            query = String(base[mark...])
            base = String(base[..<mark])
        }
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        if base.hasPrefix("/") { base = "file://" + base }
        let parts = base.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw ConfigurationError("BOOKING_REPLICA must be an absolute directory or a file://, sftp:// or s3:// URL, not \(text)")
        }
        let scheme = String(parts[0])
        let rest = String(parts[1])
        switch scheme {
        case "file":
            guard rest.hasPrefix("/"), rest.count > 1 else { throw ConfigurationError("BOOKING_REPLICA: \(text) names no absolute directory") }
        case "sftp":
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex,
                rest[..<slash].contains("@")
            else {
                throw ConfigurationError("BOOKING_REPLICA: \(text) needs a user, a host and a path (sftp://user@host/path)")
            }
            let hasPassword = rest[..<slash].split(separator: "@", maxSplits: 1).first?.contains(":") ?? false
            guard sshKeyPath != nil || hasPassword else {
                throw ConfigurationError("BOOKING_REPLICA: \(text) needs BOOKING_REPLICA_SSH_KEY, the private key Litestream logs in with")
            }
            guard sshHostKey != nil else {
                throw ConfigurationError(
                    "BOOKING_REPLICA: \(text) needs BOOKING_REPLICA_SSH_HOST_KEY, the server's public host key (ssh-keyscan -t ed25519 HOST), so the replica goes only to that server"
                )
            }
        case "s3":
            guard !rest.isEmpty, !rest.hasPrefix("/") else {
                throw ConfigurationError("BOOKING_REPLICA: \(text) needs a bucket (s3://bucket/prefix)")
            }
        default:
            throw ConfigurationError("BOOKING_REPLICA must be an absolute directory or a file://, sftp:// or s3:// URL, not \(text)")
        }
        guard query.isEmpty || scheme == "s3" else { throw ConfigurationError("BOOKING_REPLICA: only an s3:// URL takes a query, not \(text)") }
        guard !text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) else {
            throw ConfigurationError("BOOKING_REPLICA must not contain spaces, quotes or backslashes: \(text)")
        }
        if let sshKeyPath, !sshKeyPath.hasPrefix("/") || sshKeyPath.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) {
            throw ConfigurationError("BOOKING_REPLICA_SSH_KEY must be an absolute path, not \(sshKeyPath)")
        }
        if let sshHostKey {
            let fields = sshHostKey.split(separator: " ")
            guard fields.count >= 2, fields[0].hasPrefix("ssh-") || fields[0].hasPrefix("ecdsa-"),
                !sshHostKey.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline })
            else {
                throw ConfigurationError("BOOKING_REPLICA_SSH_HOST_KEY must be a public key line (TYPE BASE64), not \(sshHostKey)")
            }
        }
        url = base
        self.query = query
        self.sshKeyPath = sshKeyPath
        self.sshHostKey = sshHostKey
    }

    /// The replica of every venue file (Litestream's directory replication adds the file name).
    package var venuesURL: String { url + "/venues" + query }
    /// The replica of one venue.
    package func venueURL(_ id: String) -> String { url + "/venues/\(id).sqlite" + query }
    package var authURL: String { url + "/auth.sqlite" + query }

    /// The directory of a `file://` replica, which this host can read (lag, listing venues).
    package var localDirectory: String? {
        url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : nil
    }

    /// Where, below `localDirectory`, the replica of the database with URL `databaseURL` is.
    package func localDirectory(of databaseURL: String) -> String? {
        localDirectory.map { $0 + databaseURL.dropFirst(url.count).dropLast(query.count) }
    }
}
