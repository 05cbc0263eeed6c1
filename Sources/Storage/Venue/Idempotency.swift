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

extension VenueTransaction {
    /// Claims `key` inside this transaction. Returns the stored response of a finished
    /// earlier request, nil when this request is the first (the key is then "in progress"
    /// until `finish`), or throws for a different body or a request still running.
    func claim(_ key: IdempotencyKey?) throws -> StoredResponse? {
        guard let key else { return nil }
        let existing = try prepare("SELECT request_hash, status, response FROM idempotency WHERE customer_id = ? AND key = ?")
            .bind(key.customerID, key.key).first { ($0.string(0), $0.optionalInt(1), $0.string(2)) }
        guard let (hash, status, body) = existing else {
            try prepare("INSERT INTO idempotency (customer_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)")
                .bind(key.customerID, key.key, key.requestHash, now).run()
            return nil
        }
        guard hash == key.requestHash else { throw BookingError.idempotencyMismatch }
        guard let status else { throw BookingError.requestInProgress }
        return StoredResponse(status: status, body: Array(body.utf8))
    }

    /// Stores `response` as the answer to `key`'s request.
    func finish(_ key: IdempotencyKey?, with response: StoredResponse) throws {
        guard let key else { return }
        try prepare("UPDATE idempotency SET status = ?, response = ? WHERE customer_id = ? AND key = ?")
            .bind(response.status, String(decoding: response.body, as: UTF8.self), key.customerID, key.key).run()
    }
}
