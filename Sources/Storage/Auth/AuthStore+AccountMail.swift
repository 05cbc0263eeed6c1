internal import SQLite

extension AuthStore {
    /// Account email due now, oldest first.
    public func pendingAccountMail(now: Int, limit: Int) throws -> [AccountMailRow] {
        try database.connection.prepare(
            """
            SELECT id, user_id, kind, to_address, payload, attempts, created_at FROM account_mail
            WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """
        ).bind(now, limit).map { row in
            AccountMailRow(
                id: row.int(0), userID: row.string(1), kind: try row.value(2), toAddress: row.string(3), payload: row.string(4),
                attempts: row.int(5), createdAt: row.int(6))
        }
    }

    /// Records a delivery attempt: with `retryAt` the message stays pending until then.
    public func recordAccountMail(_ id: Int, status: OutboxStatus, error: String? = nil, retryAt: Int? = nil) throws {
        try database.write { connection in
            if let retryAt {
                try connection.prepare("UPDATE account_mail SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")
                    .bind(retryAt, error, id).run()
            } else {
                try connection.prepare("UPDATE account_mail SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?")
                    .bind(status, error, id).run()
            }
        }
    }

    /// Queues an email about the account in the caller's transaction.
    static func queueAccountMail(
        _ connection: Connection, userID: String, kind: AccountMailKind, to address: String, payload: String = "{}", now: Int
    ) throws {
        try connection.prepare(
            "INSERT INTO account_mail (user_id, kind, to_address, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)"
        ).bind(userID, kind, address, payload, now, now).run()
    }
}
