import Auth
import Common
internal import SQLite

extension AuthStore {
    /// A signed-in change of password (the caller has checked the current one): every other
    /// session ends, every reset link stops working, and the account's address is told.
    public func changePassword(userID: String, hash: String, keepingSession tokenHash: String?, now: Int) throws {
        try database.write { connection in
            guard let user = try Self.user(connection, id: userID) else { return }
            try Self.replacePassword(connection, of: user, hash: hash, keepingSession: tokenHash, now: now)
        }
    }

    /// A signed-in change of email address (the caller has checked the password). The old
    /// address is told, and reset links sent to it stop working. `AuthError.emailTaken` when
    /// another account has the new one.
    public func changeEmail(userID: String, to email: String, now: Int) throws {
        do {
            try database.write { connection in
                guard let user = try Self.user(connection, id: userID), user.email != email else { return }
                try connection.prepare("UPDATE user SET email = ? WHERE id = ?").bind(email, userID).run()
                try connection.prepare("DELETE FROM password_reset WHERE user_id = ?").bind(userID).run()
                let payload = JSONText.object(["newEmail": email])
                try Self.queueAccountMail(connection, userID: userID, kind: .emailChanged, to: user.email, payload: payload, now: now)
            }
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw AuthError.emailTaken
        }
    }

    public func rename(userID: String, to name: String) throws {
        try database.write { try $0.prepare("UPDATE user SET name = ? WHERE id = ?").bind(name, userID).run() }
    }
}
