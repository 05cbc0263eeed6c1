import Auth
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// Accounts: register, log in and out, who am I. Passwords are hashed with Argon2id inside
/// the pool-wide hashing gate; sessions are random tokens stored only as hashes.
enum AccountsController {
    struct RegisterBody: Decodable {
        let email: String
        let password: String
        let name: String
        let role: String?
    }

    struct LoginBody: Decodable {
        let email: String
        let password: String
    }

    struct SessionBody: Encodable {
        let user: UserView
        let token: String
        let csrfToken: String
    }

    /// Failed logins are counted over this window (seconds).
    static let failureWindow = 15 * 60

    static func register(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let body = try request.decode(RegisterBody.self)
        let email = try EmailAddress(body.email)
        try PasswordPolicy.validate(body.password)
        try TextRules.name(body.name, field: "name")
        let roleName = body.role ?? Role.customer.rawValue
        guard let role = Role(rawValue: roleName), role.isSelfRegistrable else {
            throw APIError.unprocessable("role is customer or organizer", code: "invalid_role", field: "role")
        }
        let services = context.services
        let hash = try services.hashingGate().withSlot { try services.hasher.hash(body.password) }
        let user = try services.auth.createUser(
            id: Identifier.make("u_"), email: email.value, name: body.name, role: role,
            passwordHash: hash, now: services.now())
        return try startSession(for: user, request: request, services: services, status: .created)
    }

    static func login(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let body = try request.decode(LoginBody.self)
        let services = context.services
        let now = services.now()
        let email = (try? EmailAddress(body.email))?.value ?? body.email.lowercased()
        let keys = ["email:" + email, "ip:" + request.remoteAddress]
        try throttle(keys: keys, services: services, now: now)

        let user = try services.auth.user(email: email)
        let valid: Bool = try services.hashingGate().withSlot {
            guard let user, body.password.utf8.count <= 4096 else {
                // Same work for an unknown email, so timing does not tell which emails exist.
                services.hasher.dummyVerify(body.password)
                return false
            }
            return services.hasher.verify(body.password, against: user.passwordHash)
        }
        guard let user, valid else {
            try services.auth.recordLoginFailure(keys: keys, now: now, window: failureWindow)
            throw APIError(.unauthorized, "invalid_credentials", "the email or password is wrong")
        }
        try services.auth.clearLoginFailures(key: keys[0])
        if services.hasher.needsRehash(user.passwordHash) {
            let hash = try services.hashingGate().withSlot { try services.hasher.hash(body.password) }
            try services.auth.updatePasswordHash(userID: user.id, hash: hash)
        }
        return try startSession(for: user, request: request, services: services, status: .ok)
    }

    static func logout(_ request: Request, _ context: inout RequestContext) throws -> Response {
        _ = try context.requireUser(request)
        if let token = request.sessionToken { try context.services.auth.deleteSession(tokenHash: SessionToken.storageHash(of: token)) }
        var response = Response.empty()
        response.setHeader("Set-Cookie", SessionCookie.clear(secure: request.isHTTPS))
        return response
    }

    static func me(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        struct Body: Encodable {
            let user: UserView
            let csrfToken: String
        }
        return try .json(Body(user: UserView(user), csrfToken: SessionToken.csrfToken(for: request.sessionToken ?? "")))
    }

    /// Who is signed in, for pages that work either way: 200 for anyone, so a signed-out
    /// visitor's page makes no failing request (`/api/me` answers them 401).
    static func session(_ request: Request, _ context: inout RequestContext) throws -> Response {
        struct Body: Encodable {
            let signedIn: Bool
            let user: UserView?
            let csrfToken: String?
        }
        var response: Response
        if let user = try context.user(request) {
            response = try .json(Body(signedIn: true, user: UserView(user), csrfToken: SessionToken.csrfToken(for: request.sessionToken ?? "")))
        } else {
            response = try .json(Body(signedIn: false, user: nil, csrfToken: nil))
        }
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    // MARK: Helpers

    static func startSession(for user: UserRecord, request: Request, services: Services, status: Status) throws -> Response {
        let token = SessionToken.generate()
        let now = services.now()
        let ttl = services.configuration.sessionTTL
        try services.auth.createSession(tokenHash: SessionToken.storageHash(of: token), userID: user.id, now: now, expiresAt: now + ttl)
        var response = try Response.json(
            SessionBody(user: UserView(user), token: token, csrfToken: SessionToken.csrfToken(for: token)),
            status: status)
        response.setHeader("Set-Cookie", SessionCookie.set(token, maxAge: ttl, secure: request.isHTTPS))
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    /// Checks the signed-in user's password before a change that needs it, like a sign-in
    /// (the same throttle and counters), so a session left open on a shared computer cannot
    /// take the account over: 403 `wrong_password`.
    static func confirmPassword(_ password: String, of user: UserRecord, request: Request, services: Services) throws {
        let now = services.now()
        let keys = ["email:" + user.email, "ip:" + request.remoteAddress]
        try throttle(keys: keys, services: services, now: now)
        let valid = try services.hashingGate().withSlot {
            password.utf8.count <= 4096 && services.hasher.verify(password, against: user.passwordHash)
        }
        guard valid else {
            try services.auth.recordLoginFailure(keys: keys, now: now, window: failureWindow)
            throw APIError(.forbidden, "wrong_password", "the password is wrong")
        }
    }

    /// 429 with `Retry-After` while the account or the address is backing off.
    static func throttle(keys: [String], services: Services, now: Int) throws {
        var wait = 0
        for key in keys {
            guard let (count, last) = try services.auth.loginFailures(key: key) else { continue }
            let policy = key.hasPrefix("ip:") ? services.loginThrottle.perAddress : services.loginThrottle.perAccount
            if let seconds = policy.retryAfter(failures: count, lastFailure: last, now: now) { wait = max(wait, seconds) }
        }
        guard wait > 0 else { return }
        throw APIError(.tooManyRequests, "too_many_attempts", "too many failed sign-ins; retry in \(wait) seconds").retryingAfter(wait)
    }
}
