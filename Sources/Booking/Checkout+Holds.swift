import Storage

extension Checkout {
    /// A hold that passed the caller's checks.
    package struct HoldOrder {
        package let store: VenueStore
        package let eventID: String
        package let customerID: String
        package let request: HoldRequest
        package let idempotency: IdempotencyKey?
        /// Renders the answer stored with the idempotency key.
        package let render: (HoldRecord) -> StoredResponse

        package init(
            store: VenueStore, eventID: String, customerID: String, request: HoldRequest, idempotency: IdempotencyKey?,
            render: @escaping (HoldRecord) -> StoredResponse
        ) {
            self.store = store
            self.eventID = eventID
            self.customerID = customerID
            self.request = request
            self.idempotency = idempotency
            self.render = render
        }
    }

    /// Holds seats and GA places for several orders taken together, all or nothing for each,
    /// in one transaction per venue; each gets the answer it would have had alone.
    package func hold(_ orders: [HoldOrder]) -> [Result<StoredResponse, any Error>] {
        let now = now()
        return VenueBatch.run(orders, store: \.store, now: now) { order in
            try order.store.createHold(
                eventID: order.eventID, customerID: order.customerID, request: order.request, ttl: holdTTL,
                now: now, idempotency: order.idempotency, render: order.render)
        }
    }

    /// Releases a customer's hold at once (`holdNotFound` for anyone else's; `holdBusy` while
    /// it is being paid for).
    package func release(holdID: String, customerID: String, in store: VenueStore) throws {
        try store.releaseHold(holdID, customerID: customerID, now: now())
    }
}
