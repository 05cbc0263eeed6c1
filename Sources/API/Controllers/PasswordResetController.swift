import Auth
import FastCGIServer
import Runtime
import Storage

/// Password reset by email: a request queues a link (the notifier makes its single-use token
/// as it sends it), and the link's page sets a new password with the token, which signs in.
enum PasswordResetController {
    struct RequestBody: Decodable {
        let email: String
    }

    struct ConfirmBody: Decodable {
        let token: String
        let password: String
    }

    /// 202 whether or not an account has the address, after the same work, so the answer
    /// tells nobody who has an account; 429 when the address or the client asked too often.
    static func request(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let body = try request.decode(RequestBody.self)
        let email = try EmailAddress(body.email)
        let services = context.services
        let outcome = try services.auth.requestPasswordReset(
            email: email.value, client: request.remoteAddress, now: services.now(), policy: services.passwordReset)
        if case .limited(let seconds) = outcome {
            throw APIError(.tooManyRequests, "too_many_attempts", "too many reset requests; retry in \(seconds) seconds").retryingAfter(seconds)
        }
        struct Body: Encodable { let message: String }
        return try .json(Body(message: "if an account has this address, a link to choose a new password is on its way"), status: .accepted)
    }

    /// Sets the new password and signs in: 200 with a new session, every other session ended;
    /// 422 `invalid_token` for a token that is unknown, used or expired, `weak_password`.
    static func confirm(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let body = try request.decode(ConfirmBody.self)
        let services = context.services
        let invalid = APIError.unprocessable("this reset link is unknown, used or expired; ask for a new one", code: "invalid_token", field: "token")
        guard SessionToken.isWellFormed(body.token) else { throw invalid }
        let tokenHash = SessionToken.storageHash(of: body.token)
        guard try services.auth.resetTokenUser(tokenHash: tokenHash, now: services.now()) != nil else { throw invalid }
        try PasswordPolicy.validate(body.password)
        let hash = try services.hashingGate().withSlot { try services.hasher.hash(body.password) }
        guard let user = try services.auth.resetPassword(tokenHash: tokenHash, passwordHash: hash, now: services.now()) else { throw invalid }
        return try AccountsController.startSession(for: user, request: request, services: services, status: .ok)
    }
}
