import Auth
import Booking
import Common
import Storage
import Testing

@testable import API
@testable import FastCGIServer
@testable import SQLite

/// Every refusal of the domain has one status and one code (API.md). The switches below are
/// exhaustive, so a new case does not compile here until its answer is written down.
@Suite("Every domain error has its status and code")
struct ErrorMappingTests {
    static func expected(_ error: BookingError) -> (Int, String) {
        switch error {
        case .venueExists: (409, "venue_exists")
        case .venueNotFound, .eventNotFound, .holdNotFound, .bookingNotFound, .ticketNotFound, .waitlistEntryNotFound: (404, "not_found")
        case .invalid: (422, "validation_failed")
        case .layoutLocked: (409, "layout_locked")
        case .seatUnavailable: (409, "seat_unavailable")
        case .soldOut, .noAdjacentSeats: (409, "sold_out")
        case .overCustomerLimit: (422, "ticket_limit")
        case .notOnSale: (422, "not_on_sale")
        case .eventCancelled: (409, "event_cancelled")
        case .eventStarted: (409, "event_started")
        case .holdExpired: (410, "hold_expired")
        case .holdBusy: (409, "hold_busy")
        case .alreadyCancelled: (409, "already_cancelled")
        case .alreadyCheckedIn: (409, "already_checked_in")
        case .ticketCancelled: (409, "ticket_cancelled")
        case .idempotencyMismatch: (422, "idempotency_mismatch")
        case .requestInProgress: (409, "request_in_progress")
        case .tooManyHolds: (422, "too_many_holds")
        case .placesAvailable: (409, "places_available")
        case .queueNotFound: (404, "not_found")
        case .queueNotOpen: (409, "queue_not_open")
        case .queueSoldOut: (409, "sold_out")
        case .badProof: (422, "bad_proof")
        case .queueRequired: (403, "queue_required")
        case .invalidPass: (403, "invalid_pass")
        case .voucherExists: (409, "voucher_exists")
        case .voucherNotFound: (404, "not_found")
        case .invalidVoucher: (422, "invalid_voucher")
        case .voucherUsedUp: (409, "voucher_used_up")
        case .voucherRequired: (422, "voucher_required")
        }
    }

    static let bookingErrors: [BookingError] = [
        .venueExists, .venueNotFound, .eventNotFound, .holdNotFound, .bookingNotFound, .ticketNotFound, .waitlistEntryNotFound,
        .invalid("bad", field: "seats"), .layoutLocked, .seatUnavailable(["A-1"]), .soldOut(section: "floor", available: 2),
        .noAdjacentSeats(quantity: 4, section: nil),
        .overCustomerLimit(limit: 4, alreadyHas: 3), .notOnSale("sales have ended"), .eventCancelled, .eventStarted, .holdExpired,
        .holdBusy, .alreadyCancelled, .alreadyCheckedIn(at: 1_800_000_000), .ticketCancelled, .idempotencyMismatch,
        .requestInProgress(retryAfter: 1), .tooManyHolds(limit: 5), .placesAvailable(3), .queueNotFound,
        .queueNotOpen("the queue opens at 2027-01-01T10:00:00Z"), .queueSoldOut, .badProof, .queueRequired, .invalidPass("this pass has expired"),
        .voucherExists, .voucherNotFound, .invalidVoucher, .voucherUsedUp, .voucherRequired,
    ]

    static func expected(_ error: AuthError) -> (Int, String) {
        switch error {
        case .weakPassword: (422, "weak_password")
        case .invalidEmail: (422, "invalid_email")
        case .hashingFailed: (500, "internal_error")
        case .busy: (503, "busy")
        case .emailTaken: (409, "email_taken")
        }
    }

    static let authErrors: [AuthError] = [.weakPassword("short"), .invalidEmail("no @"), .hashingFailed, .busy, .emailTaken]

    static func expected(_ error: CheckoutError) -> (Int, String) {
        switch error {
        case .paymentDeclined: (402, "payment_declined")
        case .notSaved: (503, "unavailable")
        }
    }

    static let checkoutErrors: [CheckoutError] = [.paymentDeclined(reason: "declined"), .notSaved(underlying: "disk full")]

    static func expected(_ error: RequestError) -> (Int, String) {
        switch error {
        case .bodyTooLarge: (413, "body_too_large")
        case .unsupportedMediaType: (415, "unsupported_media_type")
        case .malformedBody: (400, "invalid_body")
        case .invalidParameter, .invalidCursor: (400, "invalid_parameter")
        case .invalidIdempotencyKey: (400, "invalid_idempotency_key")
        }
    }

    static let requestErrors: [RequestError] = [
        .bodyTooLarge(limit: 1 << 20), .unsupportedMediaType, .malformedBody("seats has the wrong type"), .invalidParameter("limit is 1 to 100"),
        .invalidCursor, .invalidIdempotencyKey,
    ]

    /// The expected answer of any of the errors above.
    static func expected(_ error: any Error) -> (Int, String)? {
        switch error {
        case let error as BookingError: expected(error)
        case let error as AuthError: expected(error)
        case let error as CheckoutError: expected(error)
        case let error as RequestError: expected(error)
        default: nil
        }
    }

    static let everyError: [any Error] = bookingErrors + authErrors + checkoutErrors + requestErrors

    func answer(_ error: any Error) -> APIError {
        ErrorMapping.apiError(for: error, log: Logger(component: "test"), requestID: "r")
    }

    @Test(arguments: everyError) func everyErrorHasItsStatusAndCode(_ error: any Error) throws {
        let mapped = answer(error)
        let (status, code) = try #require(Self.expected(error))
        #expect(mapped.status.code == status)
        #expect(mapped.code == code)
    }

    @Test func answersThatAskToRetryCarryRetryAfter() {
        for error: any Error in [BookingError.requestInProgress(retryAfter: 1), AuthError.busy, CheckoutError.notSaved(underlying: "x")] {
            #expect(answer(error).response.header("Retry-After") == "1")
        }
    }

    @Test func aFullDiskIsA503ThatAsksToRetryLater() {
        let full = answer(SQLiteError(code: .full, message: "database or disk is full", sql: "COMMIT"))
        #expect(full.status.code == 503)
        #expect(full.code == "unavailable")
        #expect(full.response.header("Retry-After") == "10")
        #expect(!String(decoding: full.response.body, as: UTF8.self).contains("COMMIT"))
    }

    @Test func anUnexpectedErrorIsA500WithoutItsDetails() {
        struct Surprise: Error { let secret = "internal detail" }
        let response = answer(Surprise()).response
        #expect(response.status.code == 500)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("internal detail"))
    }
}
