internal import SQLite

/// An `Idempotency-Key` as the store sees it: scoped to a customer, with a hash of the
/// request so that the same key with a different body can be refused.
public struct IdempotencyKey: Sendable, Equatable {
    public let customerID: String
    public let key: String
    public let requestHash: String
    public init(customerID: String, key: String, requestHash: String) {
        self.customerID = customerID
        self.key = key
        self.requestHash = requestHash
    }
}

/// A stored response, returned again for a repeated request.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: [UInt8]
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// What a claim of an idempotency key found.
enum Claim {
    /// No earlier request with this key: this one runs (and records the key as it writes).
    case first
    /// An earlier request finished: its answer.
    case replay(StoredResponse)
    /// An earlier request started a payment and its process is gone: this request takes the
    /// payment over where it stopped.
    case resume(PaymentIntent)
}

extension VenueTransaction {
    /// Looks `key` up inside this transaction. Throws for a different body, or while the
    /// earlier request's process still runs it (within the payment window; after that the
    /// request is taken over even from a live process that lost it).
    func claim(_ key: IdempotencyKey?, window: Int) throws -> Claim {
        guard let key else { return .first }
        let existing = try prepare("SELECT request_hash, status, response, payment_id FROM idempotency WHERE customer_id = ? AND key = ?")
            .bind(key.customerID, key.key).first { ($0.string(0), $0.optionalInt(1), $0.string(2), $0.optionalString(3)) }
        guard let (hash, status, body, paymentID) = existing else { return .first }
        guard hash == key.requestHash else { throw BookingError.idempotencyMismatch }
        if let status { return .replay(StoredResponse(status: status, body: Array(body.utf8))) }
        // A payment's state and its key's answer are written in one transaction, so an
        // unanswered key has a payment still `charging`; anything else ran no further.
        guard let paymentID, let payment = try store.payment(paymentID, in: connection), payment.state == .charging else {
            try release(customerID: key.customerID, key: key.key)
            return .first
        }
        if store.isRunByAnother(payment, now: now, window: window) { throw BookingError.requestInProgress(retryAfter: 1) }
        try takeOver(paymentID)
        return .resume(payment.intent)
    }

    /// Makes this process the owner of a payment in flight (a retry or the reconciler).
    func takeOver(_ paymentID: String) throws {
        try prepare("UPDATE payment SET owner = ?, updated_at = ? WHERE id = ?").bind(store.requestOwner, now, paymentID).run()
    }

    /// Records `key` as in progress with the payment its request started.
    func recordClaim(_ key: IdempotencyKey, paymentID: String) throws {
        try prepare("INSERT INTO idempotency (customer_id, key, request_hash, payment_id, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(key.customerID, key.key, key.requestHash, paymentID, now).run()
    }

    /// Stores `response` as the answer to `key`'s request (recorded earlier or not).
    func finish(_ key: IdempotencyKey?, with response: StoredResponse) throws {
        guard let key else { return }
        try prepare(
            """
            INSERT INTO idempotency (customer_id, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (customer_id, key) DO UPDATE SET status = excluded.status, response = excluded.response
            """
        ).bind(key.customerID, key.key, key.requestHash, response.status, String(decoding: response.body, as: UTF8.self), now).run()
    }

    /// Stores the answer of a payment's request under its key, if it came with one (the
    /// reconciler finishes requests it knows only by their payment).
    func finish(_ payment: PaymentIntent, with response: StoredResponse) throws {
        guard let key = payment.idempotencyKey else { return }
        try prepare("UPDATE idempotency SET status = ?, response = ? WHERE customer_id = ? AND key = ?")
            .bind(response.status, String(decoding: response.body, as: UTF8.self), payment.customerID, key).run()
    }

    /// Forgets a key whose request ended with nothing done (no money kept, nothing booked):
    /// a retry with it runs as a new request instead of being told "try again" forever.
    func release(customerID: String, key: String?) throws {
        guard let key else { return }
        try prepare("DELETE FROM idempotency WHERE customer_id = ? AND key = ?").bind(customerID, key).run()
    }
}

extension VenueStore {
    /// How long an answered key is kept: a repeat within a day gets the first answer (as with
    /// the payment providers' own keys); after that the key is new again.
    public static let idempotencyRetention = 86400

    /// Deletes the answered keys older than `idempotencyRetention` (a key still unanswered
    /// waits for its payment to end). Returns how many went. A scan of the table, run hourly
    /// by the notifier rather than indexed on every booking's insert.
    @discardableResult
    public func pruneAnsweredKeys(now: Int) throws -> Int {
        try write(now: now) { transaction in
            try transaction.prepare("DELETE FROM idempotency WHERE status IS NOT NULL AND created_at < ?")
                .bind(now - Self.idempotencyRetention).run()
            return transaction.changes
        }
    }
}
