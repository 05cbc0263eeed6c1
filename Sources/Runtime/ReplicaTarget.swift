/// Where Litestream streams the databases (`BOOKING_REPLICA`): a local directory, or a
/// `file://`, `sftp://` or `s3://` URL. Below the base, venue `ID` lives at `venues/ID.sqlite`
/// (Litestream's directory replication names each file so) and the accounts at `auth.sqlite`.
package struct ReplicaTarget: Sendable, Equatable {
    /// The base as a URL Litestream understands, without a trailing slash.
    package let url: String

    /// Parses `text`; a relative path, an unknown scheme or a URL without a host, bucket or
    /// path is an error naming what is wrong.
    package init(_ text: String) throws(ConfigurationError) {
        var base = text
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
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
                throw ConfigurationError("BOOKING_REPLICA: \(text) needs a host and a path (sftp://user@host/path)")
            }
        case "s3":
            guard !rest.isEmpty, !rest.hasPrefix("/") else {
                throw ConfigurationError("BOOKING_REPLICA: \(text) needs a bucket (s3://bucket/prefix)")
            }
        default:
            throw ConfigurationError("BOOKING_REPLICA must be an absolute directory or a file://, sftp:// or s3:// URL, not \(text)")
        }
        guard !base.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) else {
            throw ConfigurationError("BOOKING_REPLICA must not contain spaces, quotes or backslashes: \(text)")
        }
        url = base
    }

    /// The replica of every venue file (Litestream's directory replication adds the file name).
    package var venuesURL: String { url + "/venues" }
    /// The replica of one venue.
    package func venueURL(_ id: String) -> String { "\(venuesURL)/\(id).sqlite" }
    package var authURL: String { url + "/auth.sqlite" }

    /// The directory of a `file://` replica, which this host can read (lag, listing venues).
    package var localDirectory: String? {
        url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : nil
    }
}
