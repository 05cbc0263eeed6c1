import Booking
import Common
import FastCGIServer
import Storage

/// How a booking request's answers are written for its idempotency record: the 201 with the
/// booking, or the error response. The controller uses it for each request; the reconciler,
/// which finishes requests nobody retried, uses it for theirs, so that a late repeat of any
/// of them gets the answer the request itself would have given.
package enum BookingReplies {
    package static func replies(venueID: VenueID, requestID: String, log: Logger) -> Checkout.Replies {
        Checkout.Replies(
            booked: { booking in
                StoredResponse(Response.json(bytes: HandWrittenJSON.booking(BookingView(booking, venueID: venueID.value)), status: .created))
            },
            refused: { error in
                StoredResponse(ErrorMapping.response(for: error, log: log, requestID: requestID))
            })
    }
}
