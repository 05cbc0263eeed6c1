/// Everything a venue operation can refuse, as the domain sees it. BookingFCGI maps each
/// case to an HTTP status in one switch (ErrorMapping).
public enum BookingError: Error, Equatable, Sendable {
    case venueExists
    case venueNotFound
    case eventNotFound
    case holdNotFound
    case bookingNotFound
    case ticketNotFound
    case waitlistEntryNotFound
    /// Valid JSON that breaks a rule; `field` names the offending input.
    case invalid(String, field: String?)
    case layoutLocked
    case seatUnavailable([String])
    case soldOut(section: String, available: Int)
    /// Best available found no `quantity` adjacent free seats in one row (of `section`).
    case noAdjacentSeats(quantity: Int, section: String?)
    case overCustomerLimit(limit: Int, alreadyHas: Int)
    case notOnSale(String)
    case eventCancelled
    case eventStarted
    case holdExpired
    case holdBusy
    case alreadyCancelled
    case alreadyCheckedIn(at: Int)
    case ticketCancelled
    case idempotencyMismatch
    /// The same payment is being run by another request; `retryAfter` is when to ask again:
    /// a second while its process runs, until the reconciler finishes it once that is gone.
    case requestInProgress(retryAfter: Int)
    case tooManyHolds(limit: Int)
    /// Joining a waiting list while places are free: book them instead.
    case placesAvailable(Int)
    /// The event has no on-sale queue.
    case queueNotFound
    /// Joining before the queue opens or after it closed; the text says which.
    case queueNotOpen(String)
    /// Everything is sold and no hold is live: the queue admits nobody more.
    case queueSoldOut
    /// The proof of work of a join is missing or wrong.
    case badProof
    /// A hold or one-call booking of a queued event without an admission pass.
    case queueRequired
    /// A pass that is forged, expired, or another account's or event's; the text says which.
    case invalidPass(String)
    /// A voucher code the event already has (in any case).
    case voucherExists
    case voucherNotFound
    /// A voucher code that is unknown, another event's, expired or not yet valid.
    case invalidVoucher
    /// The voucher has no use left for the tickets it would discount (in all or for the customer).
    case voucherUsedUp
    /// A hidden section asked for without a voucher that names it.
    case voucherRequired
}
