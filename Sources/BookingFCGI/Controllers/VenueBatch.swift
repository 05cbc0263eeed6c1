import Storage

/// Runs one operation for many requests with one write transaction per venue.
enum VenueBatch {
    /// Checks each request of a batch (`check` gets its index in the batch): the ones that
    /// pass, and for the others, their error in place.
    static func check<Attempt>(_ items: [(Request, RequestContext)],
                               _ check: (Request, inout RequestContext, Int) throws -> Attempt)
        -> (passed: [Attempt], outcomes: [Result<Response, any Error>?]) {
        var outcomes = [Result<Response, any Error>?](repeating: nil, count: items.count)
        var passed: [Attempt] = []
        for (index, item) in items.enumerated() {
            var (request, context) = item
            do { passed.append(try check(request, &context, index)) } catch { outcomes[index] = .failure(error) }
        }
        return (passed, outcomes)
    }

    /// `items` grouped by venue store, in the order each store first appears; each group
    /// keeps its items' order.
    static func byStore<Item>(_ items: [Item], store: (Item) -> VenueStore) -> [(store: VenueStore, members: [Item])] {
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

    /// Runs `operation` on every item, grouping the items of each venue store into one
    /// `VenueStore.batch` at `now`: each operation succeeds or fails on its own, as if alone,
    /// and the lock, the commit and the live message are paid once per venue. A batch that cannot commit fails all of
    /// its items. Results come in the items' order.
    static func run<Item, Value>(_ items: [Item], store: (Item) -> VenueStore, now: Int,
                                 _ operation: (Item) throws -> Value) -> [Result<Value, any Error>] {
        var results = [Result<Value, any Error>?](repeating: nil, count: items.count)
        for (groupStore, members) in byStore(Array(items.indices), store: { store(items[$0]) }) {
            guard members.count > 1 else {
                results[members[0]] = Result { try operation(items[members[0]]) }
                continue
            }
            do {
                try groupStore.batch(now: now) {
                    for index in members { results[index] = Result { try operation(items[index]) } }
                }
            } catch {
                for index in members { results[index] = .failure(error) }
            }
        }
        return results.map { $0! }
    }
}
