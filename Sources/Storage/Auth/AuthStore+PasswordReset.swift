public import Auth
internal import SQLite

/// Whether a password-reset request was taken.
public enum ResetRequestOutcome: Sendable, Equatable {
    /// Counted; if an account has the address, its reset email is queued.
    case accepted
    /// The address or the client asked too often; retry after this many seconds.
    case limited(retryAfter: Int)
}

extension AuthStore {
    /// Counts a reset request against the address and the client and, when both are within
    /// `policy`, queues a reset email for the account with `email` if there is one. Known and
    /// unknown addresses run the same statements in one transaction, so neither the answer
    /// nor its time tells whether an account exists.
    public func requestPasswordReset(email: String, client: String, now: Int, policy: PasswordResetPolicy) throws -> ResetRequestOutcome {
        let limits = [("email:" + email, policy.perAddress), ("client:" + client, policy.perClient)]
        let windowStart = now - policy.window
        return try database.write { connection in
            var wait = 0
            for (key, limit) in limits {
                guard
                    let (requests, start) = try connection.prepare("SELECT requests, window_start FROM reset_request WHERE key = ?")
                        .bind(key).first({ ($0.int(0), $0.int(1)) }),
                    start > windowStart, requests >= limit
                else { continue }
                wait = max(wait, start + policy.window - now)
            }
            guard wait == 0 else { return .limited(retryAfter: wait) }
            for (key, _) in limits {
                try connection.prepare(
                    """
                    INSERT INTO reset_request (key, requests, window_start) VALUES (?, 1, ?)
                    ON CONFLICT (key) DO UPDATE SET
                        requests = CASE WHEN window_start <= ? THEN 1 ELSE requests + 1 END,
                        window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
                    """
                ).bind(key, now, windowStart, windowStart).run()
            }
            try connection.prepare(
                """
                INSERT INTO account_mail (user_id, kind, to_address, next_attempt_at, created_at)
                SELECT id, ?, email, ?, ? FROM user WHERE email = ?
                """
            ).bind(AccountMailKind.passwordReset, now, now, email).run()
            // Opportunistic cleanup keeps both tables small without a separate job.
            try connection.prepare("DELETE FROM reset_request WHERE window_start <= ?").bind(windowStart).run()
            try connection.prepare("DELETE FROM password_reset WHERE expires_at <= ?").bind(now).run()
            return .accepted
        }
    }

    /// Stores the hash of a reset link's token, made as its email is sent.
    public func issueResetToken(tokenHash: String, userID: String, expiresAt: Int) throws {
        try database.write { connection in
            try connection.prepare("INSERT INTO password_reset (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
                .bind(tokenHash, userID, expiresAt).run()
        }
    }

    /// The account a reset token belongs to, or nil when it is unknown, used or expired.
    public func resetTokenUser(tokenHash: String, now: Int) throws -> UserRecord? {
        try database.connection.prepare(
            """
            SELECT \(Self.userColumns("u.")) FROM password_reset r JOIN user u ON u.id = r.user_id
            WHERE r.token_hash = ? AND r.expires_at > ?
            """
        ).bind(tokenHash, now).first(UserRecord.init)
    }

    /// Uses a reset token: sets the new password hash, ends every session and every other
    /// reset link of the account, clears its failed sign-ins and tells its address. Nil (and
    /// nothing changed) when the token is unknown, used or expired, also when two requests
    /// race with one token: only one of them finds it.
    public func resetPassword(tokenHash: String, passwordHash: String, now: Int) throws -> UserRecord? {
        try database.write { connection in
            guard
                let userID = try connection.prepare("DELETE FROM password_reset WHERE token_hash = ? AND expires_at > ? RETURNING user_id")
                    .bind(tokenHash, now).first({ $0.string(0) }),
                let user = try Self.user(connection, id: userID)
            else { return nil }
            try Self.replacePassword(connection, of: user, hash: passwordHash, keepingSession: nil, now: now)
            try connection.prepare("DELETE FROM login_failure WHERE key = ?").bind("email:" + user.email).run()
            return try Self.user(connection, id: user.id)
        }
    }

    /// Sets a password hash in the caller's transaction: every session but `keptSession` ends,
    /// every reset link stops working, and the account's address is told.
    static func replacePassword(_ connection: Connection, of user: UserRecord, hash: String, keepingSession keptSession: String?, now: Int) throws {
        try connection.prepare("UPDATE user SET password_hash = ? WHERE id = ?").bind(hash, user.id).run()
        try connection.prepare("DELETE FROM session WHERE user_id = ? AND token_hash IS NOT ?").bind(user.id, keptSession).run()
        try connection.prepare("DELETE FROM password_reset WHERE user_id = ?").bind(user.id).run()
        try queueAccountMail(connection, userID: user.id, kind: .passwordChanged, to: user.email, now: now)
    }
}
