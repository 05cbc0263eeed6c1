import Storage

/// Runs one operation for many requests with one write transaction per venue.
package enum VenueBatch {
    /// `items` grouped by venue store, in the order each store first appears; each group
    /// keeps its items' order.
    package static func byStore<Item>(_ items: [Item], store: (Item) -> VenueStore) -> [(store: VenueStore, members: [Item])] {
        var groups: [(store: VenueStore, members: [Item])] = []
        for item in items {
            let itemStore = store(item)
            if let group = groups.firstIndex(where: { $0.store === itemStore }) {
                groups[group].members.append(item)
            } else {
                groups.append((itemStore, [item]))
            }
        }
        return groups
    }

    /// Runs `operation` on every item, the items of each venue store together (`run(_:in:)`).
    /// Results come in the items' order.
    package static func run<Item, Value>(
        _ items: [Item], store: (Item) -> VenueStore, now: Int,
        _ operation: (Item) throws -> Value
    ) -> [Result<Value, any Error>] {
        var results = [Result<Value, any Error>?](repeating: nil, count: items.count)
        for (groupStore, members) in byStore(Array(items.indices), store: { store(items[$0]) }) {
            let groupResults = run(members.map { items[$0] }, in: groupStore, now: now, operation)
            for (index, result) in zip(members, groupResults) { results[index] = result }
        }
        return results.map { $0! }
    }

    /// Runs `operation` on every item of one venue store in one `VenueStore.batch` at `now`:
    /// each operation succeeds or fails on its own, as if alone, and the lock, the commit and
    /// the live message are paid once. A batch that cannot commit fails all of its items.
    package static func run<Item, Value>(
        _ items: [Item], in store: VenueStore, now: Int,
        _ operation: (Item) throws -> Value
    ) -> [Result<Value, any Error>] {
        guard items.count > 1 else { return items.map { item in Result { try operation(item) } } }
        var results: [Result<Value, any Error>] = []
        do {
            try store.batch(now: now) { results = items.map { item in Result { try operation(item) } } }
        } catch {
            return items.map { _ in .failure(error) }
        }
        return results
    }
}
