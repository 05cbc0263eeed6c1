import Auth
import Common
import FoundationEssentials
import Storage

extension Notifier {
    /// Sends the queued email about accounts, with the same retries as the venues' outbox.
    /// A reset link's token is made here, as it is sent, so no token is ever stored but as
    /// its hash, and its 30 minutes start when the email leaves.
    func deliverAccountMail(now: Int) {
        do {
            for row in try services.auth.pendingAccountMail(now: now, limit: 100) where !stopRequested {
                guard let user = try services.auth.user(id: row.userID), let message = try accountEmail(for: row, user: user) else {
                    try services.auth.recordAccountMail(row.id, status: .skipped)
                    continue
                }
                do {
                    try send(message)
                } catch {
                    switch redelivery(after: error, attempts: row.attempts + 1) {
                    case .giveUp:
                        try services.auth.recordAccountMail(row.id, status: .failed, error: "\(error)")
                        log.error("account email given up", ["mail": "\(row.id)", "kind": row.kind.rawValue, "error": "\(error)"])
                    case .retry(let delay):
                        try services.auth.recordAccountMail(row.id, status: .pending, error: "\(error)", retryAt: now + delay)
                        log.error("account email failed, will retry", ["mail": "\(row.id)", "retryIn": "\(delay)", "error": "\(error)"])
                    }
                    continue
                }
                try services.auth.recordAccountMail(row.id, status: .delivered)
                log.info("email sent", ["mail": "\(row.id)", "kind": row.kind.rawValue])
            }
        } catch {
            log.error("account email failed", ["error": "\(error)"])
        }
    }

    private func accountEmail(for row: AccountMailRow, user: UserRecord) throws -> EmailMessage? {
        let messageID = "account-\(row.id)@booking"
        switch row.kind {
        case .passwordReset:
            let token = SessionToken.generate()
            let lifetime = services.passwordReset.tokenLifetime
            try services.auth.issueResetToken(tokenHash: SessionToken.storageHash(of: token), userID: user.id, expiresAt: services.now() + lifetime)
            // A retry sends a new link with a new id: the earlier one may have arrived after all.
            return accountComposer.reset(to: user, token: token, minutes: lifetime / 60, messageID: "account-\(row.id)-\(row.attempts)@booking")
        case .passwordChanged:
            return accountComposer.passwordChanged(to: user, messageID: messageID)
        case .emailChanged:
            guard let newAddress = EmailComposer.payloadValue(row.payload, "newEmail") else { return nil }
            return accountComposer.emailChanged(to: row.toAddress, user: user, newAddress: newAddress, messageID: messageID)
        }
    }
}
