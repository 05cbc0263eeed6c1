import Auth
import FastCGIServer
import Runtime
import Storage

/// A signed-in user's own account: name, email address and password. Changing the address
/// or the password needs the current password; the old address is told of either change.
enum ProfileController {
    struct UpdateBody: Decodable {
        let name: String?
        let email: String?
        let password: String?
        let currentPassword: String?
    }

    /// 200 `{user, csrfToken}`. A new password ends every other session; 403 `wrong_password`,
    /// 409 `email_taken`, 422 for a weak password, a bad address or name, or nothing to change.
    static func update(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let body = try request.decode(UpdateBody.self)
        let services = context.services
        guard body.name != nil || body.email != nil || body.password != nil else {
            throw APIError.unprocessable("give a new name, email or password", code: "validation_failed")
        }
        if let name = body.name { try TextRules.name(name, field: "name") }
        let email = try body.email.map { try EmailAddress($0).value }
        if let password = body.password { try PasswordPolicy.validate(password) }
        if email != nil || body.password != nil {
            guard let current = body.currentPassword else {
                throw APIError.unprocessable(
                    "changing the email or password needs the current password", code: "validation_failed", field: "currentPassword")
            }
            try AccountsController.confirmPassword(current, of: user, request: request, services: services)
        }
        let now = services.now()
        if let email { try services.auth.changeEmail(userID: user.id, to: email, now: now) }
        if let password = body.password {
            let hash = try services.hashingGate().withSlot { try services.hasher.hash(password) }
            let session = request.sessionToken.map(SessionToken.storageHash)
            try services.auth.changePassword(userID: user.id, hash: hash, keepingSession: session, now: now)
        }
        if let name = body.name { try services.auth.rename(userID: user.id, to: name) }
        guard let updated = try services.auth.user(id: user.id) else { throw APIError.unauthenticated }
        struct Body: Encodable {
            let user: UserView
            let csrfToken: String
        }
        return try .json(Body(user: UserView(updated), csrfToken: SessionToken.csrfToken(for: request.sessionToken ?? "")))
    }
}
