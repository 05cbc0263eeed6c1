import Auth
import Foundation
import Testing

@testable import API

/// Who may call what (API.md, "Visibility" and the "who" columns): the authorization matrix
/// of every route and every kind of caller, one test per kind of caller, and the rules of
/// cookie and bearer authentication.
@Suite struct AuthorizationSpec {
    let world: World

    init() throws { world = try World() }

    @Test func everyRouteHasARowInTheMatrix() {
        #expect(Set(world.matrix.map(\.route)) == Set(Routes.names), "add a row for every route (and remove the rows of removed routes)")
    }

    @Test func anonymousCallersGet401OnEveryRouteThatNeedsSignIn() throws {
        try world.checkColumn(.anonymous)
    }

    @Test func aCustomerHoldsAndBooksButGets403OnOrganizerRoutes() throws {
        try world.checkColumn(.customer)
    }

    @Test func anotherCustomersHoldOrBookingAnswers404() throws {
        try world.checkColumn(.otherCustomer)
    }

    @Test func theVenuesOwnerManagesItsEventsAndSeesItsBookingsButCannotHold() throws {
        try world.checkColumn(.organizer)
    }

    @Test func anOrganizerWhoDoesNotOwnTheVenueGets403() throws {
        try world.checkColumn(.otherOrganizer)
    }

    @Test func anAdminMayManageEveryVenueButHoldsNothing() throws {
        try world.checkColumn(.admin)
    }

    // MARK: Cookie and bearer authentication

    @Test func aCookieAuthenticatedWriteWithoutTheCSRFTokenIs403AndChangesNothing() throws {
        let t = world.t
        let organizer = try t.register(role: "organizer")
        let venue = World.newVenueBody()
        let path = "/api/venues/" + (venue["id"] as! String)
        for headers in [
            ["Cookie": organizer.cookie], ["Cookie": organizer.cookie, "X-CSRF-Token": "not-the-token"],
            ["Cookie": organizer.cookie, "X-CSRF-Token": world.customer.csrfToken],
        ] {
            let refused = t.request("POST", "/api/venues", json: venue, headers: headers)
            #expect(refused.status == 403 && refused.errorCode == "csrf_failed", "\(headers): \(refused)")
        }
        #expect(t.request("GET", path).status == 404, "nothing was created")

        // The browser's way: the CSRF token from /api/me, read with the cookie alone.
        let me = t.request("GET", "/api/me", headers: ["Cookie": organizer.cookie])
        let csrf = try #require(me["csrfToken"] as? String)
        #expect(me.status == 200 && csrf == organizer.csrfToken)
        let created = t.request("POST", "/api/venues", json: venue, headers: ["Cookie": organizer.cookie, "X-CSRF-Token": csrf])
        #expect(created.status == 201, "\(created)")
        #expect(t.request("GET", path).status == 200)
    }

    @Test func aBearerTokenWriteNeedsNoCSRFToken() throws {
        let organizer = try world.t.register(role: "organizer")
        let created = world.t.request("POST", "/api/venues", json: World.newVenueBody(), as: organizer)
        #expect(created.status == 201, "\(created)")
    }

    @Test func aBadAuthorizationHeaderIs401InvalidTokenAndNeverFallsBackToTheCookie() throws {
        let t = world.t
        let organizer = try t.register(role: "organizer")
        let cookie = ["Cookie": organizer.cookie, "X-CSRF-Token": organizer.csrfToken]
        for authorization in [
            "Bearer " + String(repeating: "x", count: 43), "Bearer", "Basic " + organizer.token,
            "bearer-" + organizer.token,
        ] {
            let headers = cookie.merging(["Authorization": authorization]) { $1 }
            let me = t.request("GET", "/api/me", headers: headers)
            #expect(me.status == 401 && me.errorCode == "invalid_token", "\(authorization): \(me)")
            let venue = World.newVenueBody()
            let write = t.request("POST", "/api/venues", json: venue, headers: headers)
            #expect(write.status == 401 && write.errorCode == "invalid_token", "\(authorization): \(write)")
            #expect(t.request("GET", "/api/venues/" + (venue["id"] as! String)).status == 404)
        }
        #expect(t.request("GET", "/api/me", headers: cookie).status == 200, "the cookie alone is good")
    }
}

/// One kind of caller of the matrix.
enum Caller: CaseIterable {
    case anonymous, customer, otherCustomer, organizer, otherOrganizer, admin
}

/// What a caller gets from a route: any 2xx, or a refusal with its status and error code.
enum Answer {
    case allowed
    case refused(Int)

    func matches(_ response: TestResponse) -> Bool {
        switch self {
        case .allowed: (200..<300).contains(response.status)
        case .refused(let status): response.status == status && response.errorCode == Self.codes[status]
        }
    }

    static let codes = [401: "unauthenticated", 403: "forbidden", 404: "not_found"]
}

/// The answers of one route for each kind of caller, and how to make its request.
struct MatrixRow {
    let route: String
    let answers: [Caller: Answer]
    /// The path and JSON body of the request, made for the caller (fresh objects where the
    /// request uses one up).
    let make: () throws -> (path: String, json: Any?)

    var method: String { String(route.prefix { $0 != " " }) }
}

/// The objects the matrix acts on: an organizer's venue with an event on sale (GA places
/// to spare), a booking of the customer there, and an event whose seats are sold out.
final class World {
    let t: TestApp
    let organizer, customer, admin: Account
    let show: Show
    let soldOut: Show
    /// An event selling through an open queue.
    let queued: Show
    let booking: [String: Any]
    /// Holds the cell made, released after it so the customer stays under the live-hold limit.
    private var holds: [String] = []

    init() throws {
        t = try TestApp()
        organizer = try t.register(role: "organizer")
        customer = try t.register()
        admin = try t.admin()
        let venue = try t.venue(owner: organizer, ga: 10000)
        show = Show(venue: venue, event: try t.event(owner: organizer, venue: venue, maxPerCustomer: 100))
        soldOut = Show(venue: venue, event: try t.event(owner: organizer, venue: venue, maxPerCustomer: 100))
        queued = Show(
            venue: venue,
            event: try t.event(
                owner: organizer, venue: venue,
                fields: ["queue": ["opensAt": "2020-01-01T00:00:00Z", "admitPerMinute": 60, "passMinutes": 10]]))
        booking = try t.book(customer, show, ga: 1)
        _ = try t.book(customer, soldOut, seats: ["A", "B"].flatMap { row in (1...5).map { "stalls-\(row)-\($0)" } })
    }

    /// A new caller of each kind, except the customer and organizer of the world.
    func account(_ kind: Caller) throws -> Account? {
        switch kind {
        case .anonymous: nil
        case .customer: customer
        case .otherCustomer: try t.register()
        case .organizer: organizer
        case .otherOrganizer: try t.register(role: "organizer")
        case .admin: admin
        }
    }

    /// Every route's row: what each caller gets.
    func checkColumn(_ kind: Caller) throws {
        for row in matrix {
            var caller = try account(kind)
            // Logging out ends the token: the caller logs out of a session of its own.
            if row.route == "POST /api/auth/logout", let signedIn = caller { caller = try t.login(signedIn) }
            // Deleting the account ends it: the caller deletes a new account of its kind, one
            // that owns no venue.
            if row.route == "DELETE /api/me", caller != nil { caller = try disposable(kind) }
            let (path, json) = try row.make()
            let response = t.request(row.method, path, json: json, as: caller)
            for hold in holds { _ = t.request("DELETE", show.hold(hold), as: customer) }
            holds.removeAll()
            let answer = try #require(row.answers[kind])
            #expect(answer.matches(response), "\(row.route) as \(kind): expected \(answer), got \(response)")
        }
    }

    /// A new account of the kind, for a request that uses the account up.
    private func disposable(_ kind: Caller) throws -> Account? {
        switch kind {
        case .anonymous: nil
        case .customer, .otherCustomer: try t.register()
        case .organizer, .otherOrganizer: try t.register(role: "organizer")
        case .admin: try t.admin()
        }
    }

    static func newVenueBody() -> [String: Any] {
        [
            "id": "m-" + UUID().uuidString.prefix(12).lowercased(), "name": "Hall", "timezone": "Europe/Paris",
            "layout": ["sections": [["id": "floor", "name": "Floor", "kind": "ga", "capacity": 5]]],
        ]
    }

    /// A reset link's token for a new account, as the notifier makes one when it sends the email.
    private func resetToken() throws -> String {
        let token = SessionToken.generate()
        try t.services.auth.issueResetToken(
            tokenHash: SessionToken.storageHash(of: token), userID: try t.register().id, expiresAt: t.services.now() + 600)
        return token
    }

    private func freshHold() throws -> String {
        let id = try t.hold(customer, show, ga: 1)
        holds.append(id)
        return id
    }

    private static func uniqueCode() -> String { "AUTH-" + UUID().uuidString.prefix(8) }

    private func freshVoucher() throws -> String {
        let code = Self.uniqueCode()
        let response = t.request("POST", show.path + "/vouchers", json: ["code": code, "percentOff": 5], as: organizer)
        try #require(response.status == 201, "\(response)")
        return code
    }

    private func freshBooking() throws -> [String: Any] { try t.book(customer, show, ga: 1) }

    private func freshTicketCode() throws -> String {
        try #require((freshBooking()["tickets"] as? [[String: Any]])?.first?["code"] as? String)
    }

    private func freshWaitlistEntry() throws -> String {
        let response = t.request("POST", soldOut.path + "/waitlist", json: ["section": "stalls", "quantity": 1], as: customer)
        try #require(response.status == 201, "\(response)")
        return try #require(response["entry", "id"] as? String)
    }

    private static func answers(
        _ anonymous: Answer, _ customer: Answer, _ otherCustomer: Answer, _ organizer: Answer,
        _ otherOrganizer: Answer, _ admin: Answer
    ) -> [Caller: Answer] {
        [
            .anonymous: anonymous, .customer: customer, .otherCustomer: otherCustomer, .organizer: organizer,
            .otherOrganizer: otherOrganizer, .admin: admin,
        ]
    }

    private static let everyone = answers(.allowed, .allowed, .allowed, .allowed, .allowed, .allowed)
    private static let signedIn = answers(.refused(401), .allowed, .allowed, .allowed, .allowed, .allowed)
    private static let ownerAndAdmin = answers(.refused(401), .refused(403), .refused(403), .allowed, .refused(403), .allowed)
    private static let customers = answers(.refused(401), .allowed, .allowed, .refused(403), .refused(403), .refused(403))
    private static let itsCustomer = answers(.refused(401), .allowed, .refused(404), .refused(404), .refused(404), .refused(404))
    private static let itsCustomerOwnerAndAdmin = answers(.refused(401), .allowed, .refused(404), .allowed, .refused(404), .allowed)

    var matrix: [MatrixRow] {
        let venue = "/api/venues/\(show.venue)"
        let ticket = (booking["tickets"] as! [[String: Any]])[0]["code"] as! String
        let bookingPath = show.booking(booking["id"] as! String)
        return [
            MatrixRow(route: "GET /api/health", answers: Self.everyone) { ("/api/health", nil) },
            MatrixRow(route: "GET /api/health/ready", answers: Self.everyone) { ("/api/health/ready", nil) },
            // Loopback (TestApp's address) is answered whoever asks; other hosts need the metrics token (MetricsSpec).
            MatrixRow(route: "GET /api/metrics", answers: Self.everyone) { ("/api/metrics", nil) },
            MatrixRow(route: "POST /api/auth/register", answers: Self.everyone) {
                ("/api/auth/register", ["email": "new-\(UUID().uuidString.prefix(8))@example.com", "password": TestApp.password, "name": "New"])
            },
            MatrixRow(route: "POST /api/auth/login", answers: Self.everyone) {
                ("/api/auth/login", ["email": self.customer.email, "password": TestApp.password])
            },
            MatrixRow(route: "POST /api/auth/logout", answers: Self.signedIn) { ("/api/auth/logout", nil) },
            MatrixRow(route: "POST /api/auth/password-reset", answers: Self.everyone) {
                ("/api/auth/password-reset", ["email": self.customer.email])
            },
            MatrixRow(route: "POST /api/auth/password-reset/confirm", answers: Self.everyone) {
                ("/api/auth/password-reset/confirm", ["token": try self.resetToken(), "password": TestApp.password])
            },
            MatrixRow(route: "PATCH /api/me", answers: Self.signedIn) { ("/api/me", ["name": "Renamed"]) },
            MatrixRow(route: "GET /api/me", answers: Self.signedIn) { ("/api/me", nil) },
            MatrixRow(route: "GET /api/session", answers: Self.everyone) { ("/api/session", nil) },
            MatrixRow(route: "GET /api/me/export", answers: Self.signedIn) { ("/api/me/export", nil) },
            MatrixRow(route: "DELETE /api/me", answers: Self.signedIn) { ("/api/me", ["password": TestApp.password]) },
            MatrixRow(
                route: "POST /api/venues",
                answers: Self.answers(.refused(401), .refused(403), .refused(403), .allowed, .allowed, .allowed)
            ) {
                ("/api/venues", Self.newVenueBody())
            },
            MatrixRow(route: "GET /api/venues", answers: Self.everyone) { ("/api/venues", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}", answers: Self.everyone) { (venue, nil) },
            MatrixRow(route: "POST /api/venues/{venueId}/events", answers: Self.ownerAndAdmin) {
                (
                    venue + "/events",
                    [
                        "title": "New", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR",
                        "prices": ["stalls": 100, "floor": 50],
                    ]
                )
            },
            MatrixRow(route: "GET /api/events", answers: Self.everyone) { ("/api/events", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}", answers: Self.everyone) { (self.show.path, nil) },
            MatrixRow(route: "PATCH /api/venues/{venueId}/events/{eventId}", answers: Self.ownerAndAdmin) {
                (self.show.path, ["description": "changed"])
            },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/cancel", answers: Self.ownerAndAdmin) {
                ("\(venue)/events/\(try self.t.event(owner: self.organizer, venue: self.show.venue))/cancel", nil)
            },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/seats", answers: Self.everyone) { (self.show.path + "/seats", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/stats", answers: Self.ownerAndAdmin) { (self.show.path + "/stats", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/report", answers: Self.ownerAndAdmin) { (self.show.path + "/report", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/attendees.csv", answers: Self.ownerAndAdmin) {
                (self.show.path + "/attendees.csv", nil)
            },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/vouchers", answers: Self.ownerAndAdmin) {
                (self.show.path + "/vouchers", ["code": Self.uniqueCode(), "percentOff": 10])
            },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/vouchers", answers: Self.ownerAndAdmin) {
                (self.show.path + "/vouchers", nil)
            },
            MatrixRow(route: "DELETE /api/venues/{venueId}/events/{eventId}/vouchers/{code}", answers: Self.ownerAndAdmin) {
                (self.show.path + "/vouchers/" + (try self.freshVoucher()), nil)
            },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/holds", answers: Self.customers) {
                (self.show.holds, ["ga": [["section": "floor", "quantity": 1]]])
            },
            MatrixRow(route: "DELETE /api/venues/{venueId}/holds/{holdId}", answers: Self.itsCustomer) {
                (self.show.hold(try self.freshHold()), nil)
            },
            MatrixRow(
                route: "POST /api/venues/{venueId}/bookings",
                answers: Self.answers(.refused(401), .allowed, .refused(404), .refused(403), .refused(403), .refused(403))
            ) {
                (self.show.bookings, ["holdId": try self.freshHold(), "payment": ["method": "test"]])
            },
            MatrixRow(route: "GET /api/bookings", answers: Self.signedIn) { ("/api/bookings", nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/bookings/{bookingId}", answers: Self.itsCustomerOwnerAndAdmin) { (bookingPath, nil) },
            MatrixRow(route: "GET /api/venues/{venueId}/bookings/{bookingId}/tickets.pdf", answers: Self.itsCustomerOwnerAndAdmin) {
                (bookingPath + "/tickets.pdf", nil)
            },
            MatrixRow(route: "GET /api/venues/{venueId}/bookings/{bookingId}/event.ics", answers: Self.itsCustomerOwnerAndAdmin) {
                (bookingPath + "/event.ics", nil)
            },
            MatrixRow(route: "POST /api/venues/{venueId}/bookings/{bookingId}/cancel", answers: Self.itsCustomerOwnerAndAdmin) {
                (self.show.booking(try #require(try self.freshBooking()["id"] as? String)) + "/cancel", nil)
            },
            MatrixRow(route: "GET /api/venues/{venueId}/tickets/{code}/qr.svg", answers: Self.itsCustomerOwnerAndAdmin) {
                ("\(venue)/tickets/\(ticket)/qr.svg", nil)
            },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/waitlist", answers: Self.customers) {
                (self.soldOut.path + "/waitlist", ["section": "stalls", "quantity": 1])
            },
            MatrixRow(route: "GET /api/venues/{venueId}/events/{eventId}/queue", answers: Self.everyone) { (self.queued.path + "/queue", nil) },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/queue", answers: Self.customers) {
                (self.queued.path + "/queue", ["nonce": "any: the matrix's difficulty is 0"])
            },
            MatrixRow(route: "PATCH /api/venues/{venueId}/events/{eventId}/queue", answers: Self.ownerAndAdmin) {
                (self.queued.path + "/queue", ["paused": false])
            },
            MatrixRow(route: "DELETE /api/venues/{venueId}/waitlist/{entryId}", answers: Self.itsCustomer) {
                ("\(venue)/waitlist/\(try self.freshWaitlistEntry())", nil)
            },
            MatrixRow(route: "POST /api/venues/{venueId}/events/{eventId}/checkins", answers: Self.ownerAndAdmin) {
                (self.show.path + "/checkins", ["code": try self.freshTicketCode()])
            },
        ]
    }
}
