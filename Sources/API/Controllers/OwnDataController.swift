import Auth
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// A signed-in user's own data: a copy of every record about them, and the deletion of
/// their account (the rules are `OwnData`'s, in Runtime).
enum OwnDataController {
    struct DeleteBody: Decodable {
        let password: String
    }

    static func export(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let services = context.services
        let export = try OwnData(services: services).export(user, currentTokenHash: request.sessionToken.map(SessionToken.storageHash))
        var response = try Response.json(ExportView(export, at: services.now()))
        response.setHeader("Content-Disposition", "attachment; filename=\"my-booking-data.json\"")
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    /// Needs the password, so a session left open on a shared computer cannot delete the account.
    static func delete(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireUser(request)
        let body = try request.decode(DeleteBody.self)
        let services = context.services
        try AccountsController.confirmPassword(body.password, of: user, request: request, services: services)
        try OwnData(services: services).delete(user)
        var response = Response.empty()
        response.setHeader("Set-Cookie", SessionCookie.clear(secure: request.isHTTPS))
        return response
    }
}

/// The export: the account, its sessions, the venues it owns, and from every venue its
/// bookings (with tickets and check-ins), live holds, waiting-list entries and payments.
struct ExportView: Encodable {
    struct SessionView: Encodable {
        let createdAt: Date
        let expiresAt: Date
        let current: Bool
    }

    struct AccountView: Encodable {
        let id: String
        let email: String
        let name: String
        let role: String
        let createdAt: Date
    }

    struct VenueHoldView: Encodable {
        let venueId: String
        let hold: HoldView
    }

    struct VenueWaitlistEntryView: Encodable {
        let venueId: String
        let entry: WaitlistEntryView
    }

    struct PaymentView: Encodable {
        let id: String
        let venueId: String
        let bookingId: String?
        let amount: Int
        let currency: String
        let state: String
        let createdAt: Date
        let updatedAt: Date
    }

    let exportedAt: Date
    let account: AccountView
    let sessions: [SessionView]
    let venuesOwned: [String]
    let bookings: [BookingView]
    let holds: [VenueHoldView]
    let waitlist: [VenueWaitlistEntryView]
    let payments: [PaymentView]

    init(_ export: OwnData.Export, at now: Int) {
        func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
        let user = export.user
        exportedAt = date(now)
        account = AccountView(id: user.id, email: user.email, name: user.name, role: user.role.rawValue, createdAt: date(user.createdAt))
        sessions = export.sessions.map { SessionView(createdAt: date($0.createdAt), expiresAt: date($0.expiresAt), current: $0.isCurrent) }
        venuesOwned = export.ownedVenues
        bookings = export.venues.flatMap { venue in venue.records.bookings.map { BookingView($0, venueID: venue.venueID.value) } }
        holds = export.venues.flatMap { venue in venue.records.holds.map { VenueHoldView(venueId: venue.venueID.value, hold: HoldView($0)) } }
        waitlist = export.venues.flatMap { venue in
            venue.records.waitlist.map { VenueWaitlistEntryView(venueId: venue.venueID.value, entry: WaitlistEntryView($0)) }
        }
        payments = export.venues.flatMap { venue in
            venue.records.payments.map {
                PaymentView(
                    id: $0.id, venueId: venue.venueID.value, bookingId: $0.bookingID, amount: $0.amount, currency: $0.currency,
                    state: $0.state.rawValue, createdAt: date($0.createdAt), updatedAt: date($0.updatedAt))
            }
        }
    }
}
