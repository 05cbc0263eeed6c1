/// What the checkout refuses beyond the store's `BookingError`s.
package enum CheckoutError: Error, Equatable {
    /// The provider declined the charge; no booking was made.
    case paymentDeclined(reason: String)
    /// The charge went through but the booking could not be saved (a full disk, an I/O
    /// error): the payment was refunded and the hold is still there, so the customer may
    /// try again. `underlying` says what failed, for the log.
    case notSaved(underlying: String)
}
