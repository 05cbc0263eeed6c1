import Common
import Foundation
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime

/// The application in a temporary data directory of its own (removed with the value), driven
/// in-process the way nginx drives it over FastCGI: CGI parameters and a body in, a response
/// out. Argon2 is cheap, so registering is fast, and the clock stands still until a test
/// moves it, so nothing depends on how long a test takes.
final class TestApp {
    static let password = "correct horse battery staple"

    let directory: String
    let app: Application
    private let clock: Clock
    var services: Services { app.services }
    /// The application's time, in Unix seconds.
    var now: Int { clock.now }

    init(environment: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "api-specs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The socket path only places the pool's shared counters: here, none of a running pool's.
        let settings = [
            "BOOKING_DATA_DIR": directory, "BOOKING_SOCKET": directory + "/fcgi.sock", "BOOKING_ARGON2_MEMORY_KIB": "8",
            "BOOKING_ARGON2_ITERATIONS": "1", "BOOKING_QUEUE_DIFFICULTY": "0", "BOOKING_READY_MIN_FREE_MB": "0",
        ]
        let configuration = try Configuration(environment: settings.merging(environment) { $1 })
        app = Application(services: try Services(configuration: configuration, log: Logger(component: "test"), routes: Routes.names))
        let clock = Clock(now: Int(Date().timeIntervalSince1970))
        self.clock = clock
        app.services.now = { clock.now }
        // The notifier has just run, as in a running install (the readiness check reads this).
        NotifierHeartbeat(roundAt: clock.now, mailPending: 0, oldestMailAt: nil).write(dataDirectory: directory)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Moves the application's clock forward.
    func advanceClock(by seconds: Int) { clock.now += seconds }

    // MARK: Requests

    /// One request: `json` is serialised with sorted keys (the same body gives the same
    /// bytes), `as` signs it with the account's bearer token, `headers` are HTTP names
    /// (`Idempotency-Key`, `Cookie`, `X-CSRF-Token`).
    func request(
        _ method: String, _ path: String, json: Any? = nil, body: [UInt8]? = nil, as account: Account? = nil,
        headers: [String: String] = [:], from remoteAddress: String = "127.0.0.1"
    ) -> TestResponse {
        var params = ["REQUEST_METHOD": method, "REQUEST_URI": path, "REMOTE_ADDR": remoteAddress]
        var bytes = body ?? []
        if let json {
            bytes = [UInt8](try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .fragmentsAllowed]))
            params["CONTENT_TYPE"] = "application/json"
        }
        if let account { params["HTTP_AUTHORIZATION"] = "Bearer " + account.token }
        for (name, value) in headers {
            let cgi = name.uppercased().replacingOccurrences(of: "-", with: "_")
            params[cgi == "CONTENT_TYPE" ? cgi : "HTTP_" + cgi] = value
        }
        return TestResponse(app.respond(to: Request(params: params, body: bytes)))
    }

    // MARK: Accounts

    /// A new account; `role` is what registration is asked for (`customer` or `organizer`).
    func register(role: String = "customer", email: String? = nil) throws -> Account {
        let email = email ?? "\(role)-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let response = request("POST", "/api/auth/register", json: ["email": email, "password": Self.password, "name": "A \(role)", "role": role])
        try #require(response.status == 201, "\(response)")
        return try Account(response)
    }

    /// An admin: registered as a customer, then promoted as `booking-fcgi create-admin` does.
    func admin() throws -> Account {
        let account = try register()
        try services.auth.setRole(userID: account.id, role: .admin)
        return Account(id: account.id, email: account.email, role: "admin", token: account.token, csrfToken: account.csrfToken)
    }

    /// A second session of the same account.
    func login(_ account: Account) throws -> Account {
        let response = request("POST", "/api/auth/login", json: ["email": account.email, "password": Self.password])
        try #require(response.status == 200, "\(response)")
        return try Account(response)
    }

    // MARK: Venues, events, holds, bookings

    /// A venue of `owner`: a seated section `stalls` of `rows` rows (A, B, …) of `seats` seats,
    /// and a GA section `floor` of `ga` places (none when 0).
    func venue(owner: Account, id: String? = nil, rows: Int = 2, seats: Int = 5, ga: Int = 3) throws -> String {
        let id = id ?? "v-" + UUID().uuidString.prefix(8).lowercased()
        var sections: [[String: Any]] = [
            [
                "id": "stalls", "name": "Stalls", "kind": "seated",
                "rows": (0..<rows).map { ["label": String(UnicodeScalar(65 + $0)!), "seats": seats] },
            ]
        ]
        if ga > 0 { sections.append(["id": "floor", "name": "Floor", "kind": "ga", "capacity": ga]) }
        let response = request(
            "POST", "/api/venues",
            json: [
                "id": id, "name": "Hall \(id)", "city": "Lyon", "timezone": "Europe/Paris",
                "layout": ["sections": sections],
            ], as: owner)
        try #require(response.status == 201, "\(response)")
        return id
    }

    /// An event at `venue`, on sale now unless `fields` say otherwise (they override the defaults).
    func event(owner: Account, venue: String, maxPerCustomer: Int = 10, fields: [String: Any] = [:]) throws -> String {
        let body: [String: Any] = [
            "title": "Show", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR",
            "prices": ["stalls": 4500, "floor": 2000], "maxTicketsPerCustomer": maxPerCustomer,
        ]
        let response = request("POST", "/api/venues/\(venue)/events", json: body.merging(fields) { $1 }, as: owner)
        try #require(response.status == 201, "\(response)")
        return try #require(response["event", "id"] as? String)
    }

    /// A new venue of `owner` with one event (see `venue` and `event`).
    func show(
        owner: Account, rows: Int = 2, seats: Int = 5, ga: Int = 3, maxPerCustomer: Int = 10,
        fields: [String: Any] = [:]
    ) throws -> Show {
        let venue = try venue(owner: owner, rows: rows, seats: seats, ga: ga)
        return Show(venue: venue, event: try event(owner: owner, venue: venue, maxPerCustomer: maxPerCustomer, fields: fields))
    }

    /// The body of a hold or a one-call booking.
    static func places(seats: [String], ga: Int) -> [String: Any] {
        var body: [String: Any] = [:]
        if !seats.isEmpty { body["seats"] = seats }
        if ga > 0 { body["ga"] = [["section": "floor", "quantity": ga]] }
        return body
    }

    /// `POST …/holds`, answered as it comes.
    func requestHold(_ customer: Account, _ show: Show, seats: [String] = [], ga: Int = 0, headers: [String: String] = [:]) -> TestResponse {
        request("POST", show.holds, json: Self.places(seats: seats, ga: ga), as: customer, headers: headers)
    }

    /// A hold that must be made: its id.
    func hold(_ customer: Account, _ show: Show, seats: [String] = [], ga: Int = 0) throws -> String {
        let response = requestHold(customer, show, seats: seats, ga: ga)
        try #require(response.status == 201, "\(response)")
        return try #require(response["hold", "id"] as? String)
    }

    /// `POST …/bookings` in the one-call form (hold, pay, confirm), answered as it comes.
    func requestBooking(
        _ customer: Account, _ show: Show, seats: [String] = [], ga: Int = 0, card: String = "tok_ok",
        headers: [String: String] = [:]
    ) -> TestResponse {
        var body = Self.places(seats: seats, ga: ga)
        body["eventId"] = show.event
        body["payment"] = ["method": "test", "token": card]
        return request("POST", show.bookings, json: body, as: customer, headers: headers)
    }

    /// `POST …/bookings` paying for a hold, answered as it comes.
    func pay(_ customer: Account, _ show: Show, hold: String, card: String = "tok_ok", headers: [String: String] = [:]) -> TestResponse {
        request("POST", show.bookings, json: ["holdId": hold, "payment": ["method": "test", "token": card]], as: customer, headers: headers)
    }

    /// A booking that must be made (one call): its JSON.
    func book(_ customer: Account, _ show: Show, seats: [String] = [], ga: Int = 0) throws -> [String: Any] {
        let response = requestBooking(customer, show, seats: seats, ga: ga)
        try #require(response.status == 201, "\(response)")
        return try #require(response["booking"] as? [String: Any])
    }

    // MARK: Reading back

    /// Each seat's state (`available`, `held`, `sold`) in the event's seat map.
    func seatStates(_ show: Show) throws -> [String: String] {
        let response = request("GET", show.path + "/seats")
        try #require(response.status == 200, "\(response)")
        let seats = try #require(response["seats"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: seats.map { ($0["id"] as! String, $0["state"] as! String) })
    }

    /// The places left in each GA section of the event's seat map.
    func gaAvailable(_ show: Show) throws -> [String: Int] {
        let response = request("GET", show.path + "/seats")
        try #require(response.status == 200, "\(response)")
        let ga = try #require(response["ga"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: ga.map { ($0["section"] as! String, $0["available"] as! Int) })
    }

    /// `GET /api/bookings` of `account`: their bookings, newest first.
    func bookings(of account: Account) throws -> [[String: Any]] {
        let response = request("GET", "/api/bookings", as: account)
        try #require(response.status == 200, "\(response)")
        return try #require(response["bookings"] as? [[String: Any]])
    }

    /// The owner's `GET …/stats` of the event.
    func stats(_ show: Show, owner: Account) throws -> [String: Int] {
        let response = request("GET", show.path + "/stats", as: owner)
        try #require(response.status == 200, "\(response)")
        return try #require(response.json as? [String: Int])
    }
}

/// The cast of the booking specs, for each test anew: an organizer's show on sale (two rows of
/// five seats, `stalls-A-1` … `stalls-B-5`, at 4500; three GA places at 2000) and two
/// customers. A suite subclasses it to have them in every test.
class OnSaleSpec {
    let t: TestApp
    let organizer, alice, bob: Account
    let show: Show

    init() throws {
        t = try TestApp()
        organizer = try t.register(role: "organizer")
        (alice, bob) = (try t.register(), try t.register())
        show = try t.show(owner: organizer)
    }
}

/// The application's clock, shared with its `Services.now`.
private final class Clock {
    var now: Int
    init(now: Int) { self.now = now }
}

/// A signed-in account: what registration or login answered.
struct Account {
    let id: String
    let email: String
    let role: String
    let token: String
    let csrfToken: String

    /// The `Cookie` header a browser signed in as this account sends.
    var cookie: String { "booking_session=" + token }
}

extension Account {
    init(_ response: TestResponse) throws {
        id = try #require(response["user", "id"] as? String)
        email = try #require(response["user", "email"] as? String)
        role = try #require(response["user", "role"] as? String)
        token = try #require(response["token"] as? String)
        csrfToken = try #require(response["csrfToken"] as? String)
    }
}

/// A venue and one of its events, with the paths of its routes.
struct Show {
    let venue: String
    let event: String

    var path: String { "/api/venues/\(venue)/events/\(event)" }
    var holds: String { path + "/holds" }
    var bookings: String { "/api/venues/\(venue)/bookings" }
    func hold(_ id: String) -> String { "/api/venues/\(venue)/holds/\(id)" }
    func booking(_ id: String) -> String { "/api/venues/\(venue)/bookings/\(id)" }
}

/// A response with its body parsed as JSON (null when it is not JSON).
struct TestResponse: CustomStringConvertible {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]
    let json: Any?

    init(_ response: Response) {
        status = response.status.code
        headers = response.headers
        body = response.body
        json = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
    }

    /// The value at a path of object keys: `response["hold", "id"]`.
    subscript(_ keys: String...) -> Any? {
        keys.reduce(json) { value, key in (value as? [String: Any])?[key] }
    }

    /// `error.code` of an error answer.
    var errorCode: String? { self["error", "code"] as? String }
    /// `error.details` of an error answer.
    var errorDetails: [String: Any]? { self["error", "details"] as? [String: Any] }

    /// Whether both bodies are the same JSON (keys in any order).
    func sameJSON(as other: TestResponse) -> Bool {
        guard let json, let otherJSON = other.json else { return false }
        return NSDictionary(dictionary: ["body": json]).isEqual(NSDictionary(dictionary: ["body": otherJSON]))
    }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    var text: String { String(decoding: body, as: UTF8.self) }
    var description: String { "\(status) \(text.prefix(500))" }
}
