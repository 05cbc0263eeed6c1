/// The last encoded bodies of one kind (seat maps, event pages) in this worker, by ETag. An
/// entry is served only while its ETag (the event's version and earliest live-hold expiry)
/// is still the current one, so it is never stale; it saves re-reading and re-encoding an
/// event (5,000 seats for a seat map) on every full request.
struct ResponseCache {
    private struct Entry {
        let etag: String
        let body: [UInt8]
        /// The body compressed, made when a client first asks for it.
        var gzipped: [UInt8]?
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    let capacity: Int
    /// Bodies shorter than this are not worth compressing (nginx's `gzip_min_length`).
    static let gzipMinimumLength = 1024

    init(capacity: Int) { self.capacity = capacity }

    func body(for key: String, etag: String) -> [UInt8]? {
        guard let entry = entries[key], entry.etag == etag else { return nil }
        return entry.body
    }

    mutating func store(_ body: [UInt8], for key: String, etag: String) {
        if entries.updateValue(Entry(etag: etag, body: body), forKey: key) == nil { order.append(key) }
        while order.count > capacity { entries[order.removeFirst()] = nil }
    }

    /// The body cached under `key` and `etag`, gzip-compressed once and kept beside it; nil
    /// when no such body is cached or it is too short to be worth it.
    mutating func gzippedBody(for key: String, etag: String) -> [UInt8]? {
        guard var entry = entries[key], entry.etag == etag, entry.body.count >= Self.gzipMinimumLength else { return nil }
        if let gzipped = entry.gzipped { return gzipped }
        guard let gzipped = Gzip.compress(entry.body) else { return nil }
        entry.gzipped = gzipped
        entries[key] = entry
        return gzipped
    }
}

/// The encoded bodies one worker keeps (see `EventsController.get` and `seats`).
final class ResponseCaches {
    /// A 5,000-seat map is ~500 KB, so few are kept.
    var seatMaps = ResponseCache(capacity: 4)
    var eventPages = ResponseCache(capacity: 64)
}
