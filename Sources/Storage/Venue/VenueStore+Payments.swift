import Common
internal import SQLite

/// A charge about to be made for a hold: recorded before the provider is called, so that a
/// crash between charge and confirmation leaves a record that a retry or the reconciler
/// takes over.
public struct PaymentIntent: Sendable, Equatable {
    public let paymentID: String
    public let holdID: String
    public let eventID: String
    public let customerID: String
    public let amount: Int
    public let currency: String
    /// Whether the hold was made in the same call: a payment that does not happen frees its
    /// seats instead of giving the hold back.
    public let isOneCall: Bool
    /// The `Idempotency-Key` of the request that made it, whose answer is stored with it.
    public let idempotencyKey: String?
}

/// A payment as stored: the intent and where it stands.
struct PaymentRecord {
    let intent: PaymentIntent
    let state: PaymentState
    /// The process running its request (`ProcessIdentity`), nil once no one does.
    let owner: String?
    let updatedAt: Int
}

/// The first step of paying: a charge to make (new, or taken over from a request whose
/// process is gone), or the stored answer of a repeat.
public enum PaymentStart: Sendable {
    case charge(PaymentIntent)
    case replay(StoredResponse)
}

extension VenueTransaction {
    /// What an earlier request with `idempotency` leaves this one: its answer, or its payment
    /// to take over; nil when there was none.
    fileprivate func earlierStart(_ idempotency: IdempotencyKey?, window: Int) throws -> PaymentStart? {
        switch try claim(idempotency, window: window) {
        case .replay(let stored): .replay(stored)
        case .resume(let intent): .charge(intent)
        case .first: nil
        }
    }
}

extension VenueStore {
    /// Marks the customer's hold `paying` (extending it by `window` seconds for the charge),
    /// records the payment as `charging` and claims the idempotency key, in one short
    /// transaction. The charge itself happens after this returns, outside any transaction.
    public func beginPayment(
        holdID: String, customerID: String, window: Int, now: Int,
        idempotency: IdempotencyKey?
    ) throws -> PaymentStart {
        try write(now: now) { transaction in
            if let earlier = try transaction.earlierStart(idempotency, window: window) { return earlier }
            guard let hold = try loadHold(holdID, in: transaction.connection), hold.customerID == customerID else {
                let swept = try transaction.prepare("SELECT 1 FROM expired_hold WHERE id = ? AND customer_id = ?").bind(holdID, customerID).queryInt()
                throw swept == nil ? BookingError.holdNotFound : BookingError.holdExpired
            }
            guard hold.expiresAt > now else { throw BookingError.holdExpired }
            guard hold.state == .active else {
                throw BookingError.requestInProgress(retryAfter: try retryAfter(payingHold: holdID, now: now, window: window))
            }
            try checkOnSale(try event(hold.eventID), now: now)
            try transaction.prepare("UPDATE hold SET state = ?, expires_at = expires_at + ? WHERE id = ?").bind(HoldState.paying, window, holdID)
                .run()
            return .charge(try recordCharging(hold, isOneCall: false, idempotency: idempotency, in: transaction))
        }
    }

    /// The one-call form: holds the seats already `paying` and records the payment, in one
    /// transaction.
    public func holdForPayment(
        eventID: String, customerID: String, request: HoldRequest, ttl: Int, window: Int, now: Int,
        idempotency: IdempotencyKey?
    ) throws -> PaymentStart {
        try write(now: now) { transaction in
            if let earlier = try transaction.earlierStart(idempotency, window: window) { return earlier }
            let hold = try transaction.insertHold(
                eventID: eventID, customerID: customerID, request: request, state: .paying,
                expiresAt: now + ttl + window)
            return .charge(try recordCharging(hold, isOneCall: true, idempotency: idempotency, in: transaction))
        }
    }

    private func recordCharging(
        _ hold: HoldRecord, isOneCall: Bool, idempotency: IdempotencyKey?, in transaction: VenueTransaction
    ) throws -> PaymentIntent {
        let intent = PaymentIntent(
            paymentID: Identifier.makeTimeOrdered("p_"), holdID: hold.id, eventID: hold.eventID, customerID: hold.customerID,
            amount: hold.total, currency: hold.currency, isOneCall: isOneCall, idempotencyKey: idempotency?.key)
        try transaction.prepare(
            """
            INSERT INTO payment (id, hold_id, customer_id, amount, currency, state, created_at, updated_at, owner, one_call, idempotency_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            intent.paymentID, hold.id, hold.customerID, hold.total, hold.currency, PaymentState.charging,
            transaction.now, transaction.now, requestOwner, isOneCall, idempotency?.key
        ).run()
        if let idempotency { try transaction.recordClaim(idempotency, paymentID: intent.paymentID) }
        return intent
    }

    /// After a decline, a refunded charge whose confirmation failed, or a charge that never
    /// happened: records the payment's end and either gives the hold back to the customer
    /// (they may retry) or frees its seats (the one-call form). `response` is stored for
    /// repeats; without one (nothing was done, no money kept) the key is forgotten, so that a
    /// retry runs afresh.
    public func settleFailedPayment(_ intent: PaymentIntent, state: PaymentState, window: Int, now: Int, response: StoredResponse?) throws {
        try write(now: now) { transaction in
            try transaction.prepare("UPDATE payment SET state = ?, owner = NULL, updated_at = ? WHERE id = ?").bind(state, now, intent.paymentID)
                .run()
            if let hold = try loadHold(intent.holdID, in: transaction.connection) {
                if intent.isOneCall {
                    try transaction.deleteHold(hold.id, eventID: hold.eventID)
                } else {
                    try transaction.prepare("UPDATE hold SET state = ?, expires_at = expires_at - ? WHERE id = ?")
                        .bind(HoldState.active, window, hold.id).run()
                    // The earlier expiry is part of the seat map's tag (and of cached event pages).
                    transaction.touch(hold.eventID)
                }
            }
            if let response {
                try transaction.finish(intent, with: response)
            } else {
                try transaction.release(customerID: intent.customerID, key: intent.idempotencyKey)
            }
        }
    }

    /// Lets go of a payment whose charge could not be made now (the provider did not answer):
    /// a retry takes it over at once instead of waiting for this process.
    public func releasePayment(_ paymentID: String, now: Int) throws {
        try write(now: now) { transaction in
            try transaction.prepare("UPDATE payment SET owner = NULL WHERE id = ? AND owner = ?").bind(paymentID, requestOwner).run()
        }
    }

    /// Records that a captured or charging payment was refunded.
    public func markRefunded(paymentID: String, now: Int) throws {
        try write(now: now) { transaction in
            try transaction.prepare("UPDATE payment SET state = ?, owner = NULL, updated_at = ? WHERE id = ?")
                .bind(PaymentState.refunded, now, paymentID).run()
        }
    }

    /// Payments still `charging` since before `olderThan` whose process is gone: requests that
    /// ended between the charge and its confirmation and that nobody retried.
    public func abandonedPayments(olderThan: Int) throws -> [PaymentIntent] {
        try connection.prepare("SELECT id FROM payment WHERE state = ? AND updated_at < ?").bind(PaymentState.charging, olderThan)
            .map { $0.string(0) }.compactMap { try payment($0, in: connection) }.filter(isOwnerless).map(\.intent)
    }

    /// Makes this process the owner of an abandoned payment, unless someone took it over or
    /// settled it meanwhile. Returns whether it did.
    public func takeOver(_ intent: PaymentIntent, olderThan: Int, now: Int) throws -> Bool {
        try write(now: now) { transaction in
            guard let payment = try payment(intent.paymentID, in: transaction.connection), payment.state == .charging,
                payment.updatedAt < olderThan, isOwnerless(payment)
            else { return false }
            try transaction.takeOver(intent.paymentID)
            return true
        }
    }

    /// Whether no process runs `payment` any more (an old program's payment has no owner).
    func isOwnerless(_ payment: PaymentRecord) -> Bool {
        payment.owner.map { !isRunning($0) } ?? true
    }

    /// Whether another process runs `payment` now (within the payment window).
    func isRunByAnother(_ payment: PaymentRecord, now: Int, window: Int) -> Bool {
        guard let owner = payment.owner, owner != requestOwner else { return false }
        return isRunning(owner) && payment.updatedAt > now - window
    }

    /// How long a request for a hold that another request is paying for should wait: a second
    /// while that request runs; once its process is gone, until the reconciler has finished it
    /// (`abandonedAge` seconds after it started, on a round every `reconcilerInterval`).
    private func retryAfter(payingHold holdID: String, now: Int, window: Int) throws -> Int {
        let running = try connection.prepare("SELECT id FROM payment WHERE hold_id = ? AND state = ?").bind(holdID, PaymentState.charging)
            .first { $0.string(0) }.flatMap { try payment($0, in: connection) }
        guard let running, !isRunByAnother(running, now: now, window: window) else { return 1 }
        return max(1, running.updatedAt + Self.abandonedAge + Self.reconcilerInterval - now)
    }

    /// Seconds after which the reconciler finishes a payment whose process is gone.
    public static let abandonedAge = 60
    /// Seconds between the reconciler's rounds.
    public static let reconcilerInterval = 10

    func payment(_ id: String, in connection: Connection) throws -> PaymentRecord? {
        try connection.prepare(
            """
            SELECT p.id, p.hold_id, coalesce(h.event_id, ''), p.customer_id, p.amount, p.currency, p.one_call, p.idempotency_key,
                   p.state, p.owner, p.updated_at
            FROM payment p LEFT JOIN hold h ON h.id = p.hold_id WHERE p.id = ?
            """
        ).bind(id).first { row in
            PaymentRecord(
                intent: PaymentIntent(
                    paymentID: row.string(0), holdID: row.string(1), eventID: row.string(2), customerID: row.string(3),
                    amount: row.int(4), currency: row.string(5), isOneCall: row.int(6) != 0, idempotencyKey: row.optionalString(7)),
                state: try row.value(8), owner: row.optionalString(9), updatedAt: row.int(10))
        }
    }
}
