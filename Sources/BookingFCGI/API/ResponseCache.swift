/// The last encoded bodies of one kind (seat maps, event pages) in this worker, by ETag. An
/// entry is served only while its ETag (the event's version and earliest live-hold expiry)
/// is still the current one, so it is never stale; it saves re-reading and re-encoding an
/// event (5,000 seats for a seat map) on every full request.
struct ResponseCache {
    private var entries: [String: (etag: String, body: [UInt8])] = [:]
    private var order: [String] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func body(for key: String, etag: String) -> [UInt8]? {
        guard let entry = entries[key], entry.etag == etag else { return nil }
        return entry.body
    }

    mutating func store(_ body: [UInt8], for key: String, etag: String) {
        if entries.updateValue((etag, body), forKey: key) == nil { order.append(key) }
        while order.count > capacity { entries[order.removeFirst()] = nil }
    }
}
