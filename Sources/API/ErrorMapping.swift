import Auth
import Booking
import Common
import FastCGIServer
import Runtime
import Storage

/// The one place where failures become HTTP answers. Domain errors get their status here;
/// anything unexpected is logged with context and answered 500 without internals.
enum ErrorMapping {
    static func response(for error: any Error, log: Logger, requestID: String) -> Response {
        apiError(for: error, log: log, requestID: requestID).response
    }

    static func apiError(for error: any Error, log: Logger, requestID: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RequestError:
            return map(error)
        case let error as BookingError:
            return map(error)
        case let error as CheckoutError:
            return map(error)
        case let error as AuthError:
            return map(error)
        case AccountDeletionError.ownsVenues(let count):
            return APIError(
                .conflict, "owns_venues", "an organizer who owns venues cannot delete the account; \(count) venues still need an owner",
                details: ["venues": .int(count)])
        case let error as SQLiteError where error.isBusy:
            log.error("database busy", ["error": error.description, "requestId": requestID])
            return APIError(.serviceUnavailable, "busy", "the service is busy, retry shortly").retryingAfter(1)
        case let error as SQLiteError where error.isFull:
            log.error("disk full", ["error": error.description, "requestId": requestID])
            return APIError(.serviceUnavailable, "unavailable", "changes cannot be saved right now, retry later").retryingAfter(10)
        default:
            log.error("unhandled error", ["error": String(describing: error), "requestId": requestID])
            return APIError(.internalError, "internal_error", "something went wrong on our side")
        }
    }

    static func map(_ error: RequestError) -> APIError {
        switch error {
        case .bodyTooLarge(let limit): return APIError(.payloadTooLarge, "body_too_large", "the body is larger than \(limit) bytes")
        case .unsupportedMediaType: return APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        case .malformedBody(let message): return APIError(.badRequest, "invalid_body", message)
        case .invalidParameter(let message): return APIError(.badRequest, "invalid_parameter", message)
        case .invalidCursor: return APIError(.badRequest, "invalid_parameter", "cursor is not one this API returned")
        case .invalidIdempotencyKey:
            return APIError(.badRequest, "invalid_idempotency_key", "Idempotency-Key is 1 to 255 visible ASCII characters")
        }
    }

    static func map(_ error: BookingError) -> APIError {
        switch error {
        case .venueExists: return APIError(.conflict, "venue_exists", "a venue with this id exists")
        case .venueNotFound: return .notFound("venue")
        case .eventNotFound: return .notFound("event")
        case .holdNotFound: return .notFound("hold")
        case .bookingNotFound: return .notFound("booking")
        case .ticketNotFound: return .notFound("ticket")
        case .waitlistEntryNotFound: return .notFound("waitlist entry")
        case .invalid(let message, let field): return .unprocessable(message, field: field)
        case .layoutLocked: return APIError(.conflict, "layout_locked", "the layout is fixed once the venue has events")
        case .seatUnavailable(let seats):
            return APIError(
                .conflict, "seat_unavailable", "some seats are no longer available",
                details: ["seats": .array(seats.map(JSONValue.string))])
        case .soldOut(let section, let available):
            return APIError(
                .conflict, "sold_out", "not enough places left in \(section)",
                details: ["section": .string(section), "available": .int(available)])
        case .noAdjacentSeats(let quantity, let section):
            var details: [String: JSONValue] = ["quantity": .int(quantity)]
            if let section { details["section"] = .string(section) }
            return APIError(
                .conflict, "sold_out", "no \(quantity) adjacent seats are left in one row\(section.map { " of \($0)" } ?? "")",
                details: details)
        case .overCustomerLimit(let limit, let has):
            return APIError(
                .unprocessable, "ticket_limit", "at most \(limit) tickets per customer for this event",
                details: ["limit": .int(limit), "alreadyHeldOrBooked": .int(has)])
        case .notOnSale(let why): return APIError(.unprocessable, "not_on_sale", "this event is not on sale: \(why)")
        case .eventCancelled: return APIError(.conflict, "event_cancelled", "the event is cancelled")
        case .eventStarted: return APIError(.conflict, "event_started", "the event has started")
        case .holdExpired: return APIError(.gone, "hold_expired", "the hold has expired; hold the seats again")
        case .holdBusy: return APIError(.conflict, "hold_busy", "the hold is being paid for right now")
        case .alreadyCancelled: return APIError(.conflict, "already_cancelled", "the booking is already cancelled")
        case .alreadyCheckedIn(let at):
            return APIError(
                .conflict, "already_checked_in", "this ticket was already checked in",
                details: ["checkedInAt": .string(RFC3339.string(from: .init(timeIntervalSince1970: Double(at))))])
        case .ticketCancelled: return APIError(.conflict, "ticket_cancelled", "this ticket belongs to a cancelled booking")
        case .idempotencyMismatch:
            return APIError(.unprocessable, "idempotency_mismatch", "this Idempotency-Key was used with a different request")
        case .requestInProgress(let seconds):
            return APIError(.conflict, "request_in_progress", "the same request is still being processed").retryingAfter(seconds)
        case .placesAvailable(let count):
            return APIError(
                .conflict, "places_available", "there are free places to book now; the waiting list is for sold-out events",
                details: ["available": .int(count)])
        case .tooManyHolds(let limit):
            return APIError(.unprocessable, "too_many_holds", "at most \(limit) live holds per event; release or book one first")
        case .queueNotFound: return .notFound("queue")
        case .queueNotOpen(let reason): return APIError(.conflict, "queue_not_open", reason)
        case .queueSoldOut:
            return APIError(.conflict, "sold_out", "everything is sold; join the waiting list to hear when places free up")
        case .badProof: return APIError.unprocessable("the proof of work does not solve this event's challenge", code: "bad_proof", field: "nonce")
        case .queueRequired:
            return APIError(.forbidden, "queue_required", "this event sells through its queue: join it, and hold with the pass it gives")
        case .invalidPass(let reason): return APIError(.forbidden, "invalid_pass", reason)
        case .voucherExists: return APIError(.conflict, "voucher_exists", "the event has a voucher with this code")
        case .voucherNotFound: return .notFound("voucher")
        case .invalidVoucher:
            return .unprocessable("the voucher code is unknown, not valid now, or another event's", code: "invalid_voucher", field: "voucher")
        case .voucherUsedUp: return APIError(.conflict, "voucher_used_up", "the voucher has no use left for these tickets")
        case .voucherRequired:
            return .unprocessable("a hidden section can be held only with a voucher that names it", code: "voucher_required", field: "voucher")
        }
    }

    static func map(_ error: CheckoutError) -> APIError {
        switch error {
        case .paymentDeclined(let reason): return APIError(.paymentRequired, "payment_declined", "the payment was declined: \(reason)")
        case .notSaved:  // logged by the checkout, which refunded the payment
            return APIError(.serviceUnavailable, "unavailable", "the booking could not be saved and the payment was refunded; try again")
                .retryingAfter(1)
        }
    }

    static func map(_ error: AuthError) -> APIError {
        switch error {
        case .weakPassword(let message): return .unprocessable(message, code: "weak_password", field: "password")
        case .invalidEmail(let message): return .unprocessable(message, code: "invalid_email", field: "email")
        case .emailTaken: return APIError(.conflict, "email_taken", "an account with this email exists")
        case .hashingFailed: return APIError(.internalError, "internal_error", "something went wrong on our side")
        case .busy:
            return APIError(.serviceUnavailable, "busy", "too many sign-ins at once, retry shortly").retryingAfter(1)
        }
    }
}
