/// Every endpoint of the API, in one table (API.md). The OpenAPI document and the
/// authorization matrix test are checked against this list.
package enum Routes {
    /// "METHOD pattern" of every route: the rows of the shared request counters.
    package static var names: [String] { make().routes.map { "\($0.method) \($0.pattern)" } }

    /// `batchBookings`: whether bookings are answered in batches (`Worker`). Not with a payment
    /// provider that takes its time: each booking of a batch would wait for the others' charges.
    static func make(batchBookings: Bool = true) -> Router {
        var router = Router()
        router.add("GET", "/api/health", HealthController.health)
        router.add("GET", "/api/health/ready", HealthController.ready)
        router.add("GET", "/api/metrics", MetricsController.metrics)

        router.add("POST", "/api/auth/register", AccountsController.register)
        router.add("POST", "/api/auth/login", AccountsController.login)
        router.add("POST", "/api/auth/logout", AccountsController.logout)
        router.add("POST", "/api/auth/password-reset", PasswordResetController.request)
        router.add("POST", "/api/auth/password-reset/confirm", PasswordResetController.confirm)
        router.add("GET", "/api/me", AccountsController.me)
        router.add("GET", "/api/session", AccountsController.session)
        router.add("GET", "/api/me/export", OwnDataController.export)
        router.add("DELETE", "/api/me", OwnDataController.delete)
        router.add("PATCH", "/api/me", ProfileController.update)

        router.add("POST", "/api/venues", VenuesController.create)
        router.add("GET", "/api/venues", VenuesController.list)
        router.add("GET", "/api/venues/{venueId}", VenuesController.get)

        router.add("POST", "/api/venues/{venueId}/events", EventsController.create)
        router.add("GET", "/api/events", EventsController.list)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}", EventsController.get)
        router.add("PATCH", "/api/venues/{venueId}/events/{eventId}", EventsController.update)
        router.add("POST", "/api/venues/{venueId}/events/{eventId}/cancel", EventsController.cancel)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}/seats", EventsController.seats)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}/stats", EventsController.stats)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}/report", ReportsController.report)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}/attendees.csv", ReportsController.attendees)
        router.add("POST", "/api/venues/{venueId}/events/{eventId}/vouchers", VouchersController.create)
        router.add("GET", "/api/venues/{venueId}/events/{eventId}/vouchers", VouchersController.list)
        router.add("DELETE", "/api/venues/{venueId}/events/{eventId}/vouchers/{code}", VouchersController.delete)

        router.add("POST", "/api/venues/{venueId}/events/{eventId}/holds", HoldsController.create, batch: HoldsController.createAll)
        router.add("DELETE", "/api/venues/{venueId}/holds/{holdId}", HoldsController.delete)
        var bookingBatches: Router.BatchHandler?
        if batchBookings { bookingBatches = BookingsController.createAll }
        router.add("POST", "/api/venues/{venueId}/bookings", BookingsController.create, batch: bookingBatches)
        router.add("GET", "/api/bookings", BookingsController.list)
        router.add("GET", "/api/venues/{venueId}/bookings/{bookingId}", BookingsController.get)
        router.add("POST", "/api/venues/{venueId}/bookings/{bookingId}/cancel", BookingsController.cancel)
        router.add("GET", "/api/venues/{venueId}/bookings/{bookingId}/tickets.pdf", DocumentsController.ticketsPDF)
        router.add("GET", "/api/venues/{venueId}/bookings/{bookingId}/event.ics", DocumentsController.calendar)
        router.add("GET", "/api/venues/{venueId}/tickets/{code}/qr.svg", TicketsController.qrCode)

        router.add("GET", "/api/venues/{venueId}/events/{eventId}/queue", QueueController.get)
        router.add("POST", "/api/venues/{venueId}/events/{eventId}/queue", QueueController.join)
        router.add("PATCH", "/api/venues/{venueId}/events/{eventId}/queue", QueueController.control)
        router.add("POST", "/api/venues/{venueId}/events/{eventId}/waitlist", WaitlistController.join)
        router.add("DELETE", "/api/venues/{venueId}/waitlist/{entryId}", WaitlistController.leave)
        router.add("POST", "/api/venues/{venueId}/events/{eventId}/checkins", TicketsController.checkIn)
        return router
    }
}
