import Auth
import Common
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// What a handler gets besides the request: path parameters, the worker's services and
/// caches, and (once asked for) the signed-in user.
struct RequestContext {
    let parameters: [String: String]
    let application: Application
    private var resolved: UserRecord??

    init(parameters: [String: String], application: Application) {
        self.parameters = parameters
        self.application = application
    }

    var services: Services { application.services }
    var caches: ResponseCaches { application.caches }

    /// A path parameter that the route pattern guarantees.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The store of the path's venue; 404 for an invalid id or an unknown venue (the id is
    /// validated before it touches a path).
    func venue() throws -> (VenueID, VenueStore) {
        guard let id = VenueID(parameter("venueId")), let store = try services.venues.store(id) else { throw APIError.notFound("venue") }
        return (id, store)
    }

    /// The signed-in user, or nil. A request with an `Authorization` header is judged by it
    /// alone; a cookie-authenticated write must carry the session's CSRF token.
    mutating func user(_ request: Request) throws -> UserRecord? {
        if let resolved { return resolved }
        let user = try authenticate(request)
        resolved = .some(user)
        return user
    }

    /// The signed-in user, or 401.
    mutating func requireUser(_ request: Request) throws -> UserRecord {
        guard let user = try user(request) else { throw APIError.unauthenticated }
        return user
    }

    /// The signed-in user if their role is one of `roles`: 401 anonymous, 403 another role.
    mutating func requireRole(_ request: Request, _ roles: Role...) throws -> UserRecord {
        let user = try requireUser(request)
        guard roles.contains(user.role) else {
            throw APIError.forbidden("this needs the role \(roles.map(\.rawValue).joined(separator: " or "))")
        }
        return user
    }

    private func authenticate(_ request: Request) throws -> UserRecord? {
        if request.header("authorization") != nil {
            guard let token = request.bearerToken, SessionToken.isWellFormed(token),
                let user = try services.auth.sessionUser(tokenHash: SessionToken.storageHash(of: token), now: services.now())
            else { throw APIError(.unauthorized, "invalid_token", "the bearer token is not valid") }
            return user
        }
        guard let token = request.cookie(SessionCookie.name), SessionToken.isWellFormed(token),
            let user = try services.auth.sessionUser(tokenHash: SessionToken.storageHash(of: token), now: services.now())
        else { return nil }
        if !["GET", "HEAD", "OPTIONS"].contains(request.method) {
            let sent = request.header("x-csrf-token") ?? ""
            guard SessionToken.constantTimeEquals(sent, SessionToken.csrfToken(for: token)) else {
                throw APIError(.forbidden, "csrf_failed", "send the X-CSRF-Token from /api/me with cookie-authenticated writes")
            }
        }
        return user
    }
}

/// The session cookie's name and attributes.
enum SessionCookie {
    static let name = "booking_session"

    static func set(_ token: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}

extension Request {
    /// A cookie's value by name.
    func cookie(_ name: String) -> String? {
        guard let header = header("cookie") else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingWhitespace == name {
                return parts[1].trimmingWhitespace
            }
        }
        return nil
    }

    /// The token of an `Authorization: Bearer <token>` header; nil without one or for another scheme.
    var bearerToken: String? {
        guard let authorization = header("authorization") else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// The session token the request authenticates with (bearer or cookie), if any. A request
    /// with an `Authorization` header is judged by it alone.
    var sessionToken: String? {
        header("authorization") != nil ? bearerToken : cookie(SessionCookie.name)
    }
}
