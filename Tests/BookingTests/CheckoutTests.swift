import Common
import Foundation
import Testing

@testable import Booking
@testable import Storage

/// A provider that records what it was asked and declines the tokens it is told to.
final class RecordingProvider: PaymentProvider {
    var charges: [String] = []
    var refunds: [String] = []
    var isInstant = true
    /// Runs during a charge, between the two transactions (e.g. to let a hold expire).
    var duringCharge: () -> Void = {}

    func charge(amount: Int, currency: String, token: String?, reference: String) throws -> String {
        charges.append(reference)
        duringCharge()
        if token == "tok_decline" { throw PaymentDeclined(reason: "the card was declined") }
        return "ref_" + reference
    }

    func refund(providerReference: String?, paymentID: String, amount: Int, currency: String) throws {
        refunds.append(paymentID)
    }
}

/// A venue with one seated row of 4 and an event on sale, and a checkout over it.
final class CheckoutFixture {
    let path = NSTemporaryDirectory() + "checkout-tests-" + UUID().uuidString
    let venues: VenueDirectory
    let store: VenueStore
    let venueID = VenueID("hall")!
    let provider = RecordingProvider()
    var time = 1_800_000_000
    lazy var checkout = Checkout(payments: provider, holdTTL: 600, log: Logger(component: "test"), now: { [unowned self] in time })

    init() throws {
        venues = try VenueDirectory(path: path, synchronous: .normal, maxOpen: 4)
        let (id, now) = (venueID, time)
        store = try venues.create(id) { store in
            try store.initialise(
                id: id, name: "Hall", city: nil, timezone: "Europe/Paris", ownerID: "u_owner",
                layout: Layout(sections: [.init(id: "stalls", name: "Stalls", kind: .seated(rows: [.init(label: "A", seats: .count(4))]))]),
                now: now)
        }
        _ = try store.createEvent(
            id: "e_1", draft: EventDraft(title: "Show", startsAt: now + 86400, currency: "EUR", prices: ["stalls": 4500]),
            now: now)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Replies that write the booking id, or the error's description, as the stored answer.
    let replies = Checkout.Replies(
        booked: { StoredResponse(status: 201, body: Array($0.id.utf8)) },
        refused: { StoredResponse(status: 402, body: Array("\($0)".utf8)) })

    func order(_ customer: String, _ items: Checkout.Order.Items, token: String? = nil, key: String? = nil) -> Checkout.Order {
        Checkout.Order(
            venueID: venueID, store: store, customerID: customer, items: items, paymentToken: token,
            idempotency: key.map { IdempotencyKey(customerID: customer, key: $0, requestHash: "h") }, replies: replies, requestID: "r")
    }

    func seats(_ ids: String...) -> Checkout.Order.Items { .seats(eventID: "e_1", HoldRequest(seats: ids, ga: [])) }

    func hold(_ customer: String, _ seat: String) throws -> String {
        let held = checkout.hold([
            Checkout.HoldOrder(
                store: store, eventID: "e_1", customerID: customer,
                request: HoldRequest(seats: [seat], ga: []), idempotency: nil
            ) {
                StoredResponse(status: 201, body: Array($0.id.utf8))
            }
        ])
        return String(decoding: try held[0].get().body, as: UTF8.self)
    }

    func state(_ seat: String) throws -> SeatMap.State {
        try store.seatMap(eventID: "e_1", now: time).seats.first { $0.seat.id == seat }!.state
    }

    func payments() throws -> [String] {
        try store.paymentStates()
    }
}

@Suite("The checkout: hold, pay, confirm or decline, refund")
struct CheckoutTests {
    @Test func aPaidOrderIsABookingWithItsSeatsSold() throws {
        let fixture = try CheckoutFixture()
        let answer = try fixture.checkout.book([fixture.order("u_a", fixture.seats("stalls-A-1", "stalls-A-2"))])[0].get()
        let booking = try #require(try fixture.store.booking(String(decoding: answer.body, as: UTF8.self)))
        #expect(booking.tickets.map(\.seatID) == ["stalls-A-1", "stalls-A-2"])
        #expect(try fixture.state("stalls-A-1") == .sold)
        #expect(fixture.provider.charges.count == 1 && fixture.provider.refunds.isEmpty)
    }

    @Test func aDeclineInOneCallLeavesNoBookingAndFreesTheSeats() throws {
        let fixture = try CheckoutFixture()
        let result = fixture.checkout.book([fixture.order("u_a", fixture.seats("stalls-A-1"), token: "tok_decline")])[0]
        #expect(throws: CheckoutError.paymentDeclined(reason: "the card was declined")) { try result.get() }
        #expect(try fixture.state("stalls-A-1") == .available)
        #expect(try fixture.store.bookings(customerID: "u_a").isEmpty)
    }

    @Test func aDeclinedHoldStaysTheCustomersToPayAgain() throws {
        let fixture = try CheckoutFixture()
        let holdID = try fixture.hold("u_a", "stalls-A-1")
        let declined = fixture.checkout.book([fixture.order("u_a", .hold(id: holdID), token: "tok_decline")])[0]
        #expect(throws: CheckoutError.self) { try declined.get() }
        #expect(try fixture.store.hold(holdID, customerID: "u_a", now: fixture.time)?.state == .active)
        _ = try fixture.checkout.book([fixture.order("u_a", .hold(id: holdID))])[0].get()
        #expect(try fixture.state("stalls-A-1") == .sold)
    }

    @Test func aRepeatedKeyGetsTheFirstAnswerWithoutASecondCharge() throws {
        let fixture = try CheckoutFixture()
        let first = fixture.checkout.book([fixture.order("u_a", fixture.seats("stalls-A-1"), token: "tok_decline", key: "k1")])[0]
        #expect(throws: CheckoutError.self) { try first.get() }
        let again = try fixture.checkout.book([fixture.order("u_a", fixture.seats("stalls-A-1"), token: "tok_decline", key: "k1")])[0].get()
        #expect(again.status == 402, "the stored refusal")
        #expect(fixture.provider.charges.count == 1)
    }

    @Test func aChargeWhoseHoldExpiredMeanwhileIsRefunded() throws {
        let fixture = try CheckoutFixture()
        let holdID = try fixture.hold("u_a", "stalls-A-1")
        fixture.provider.isInstant = false  // the charge runs with the lock released, as a real provider's would
        fixture.provider.duringCharge = { fixture.time += 600 + Checkout.paymentWindow + 1 }
        let result = fixture.checkout.book([fixture.order("u_a", .hold(id: holdID), key: "k1")])[0]
        #expect(throws: BookingError.holdExpired) { try result.get() }
        #expect(fixture.provider.refunds == fixture.provider.charges)
        #expect(try fixture.payments() == ["refunded"])
        #expect(try fixture.store.bookings(customerID: "u_a").isEmpty)
    }

    @Test func ordersTakenTogetherEachGetTheirOwnAnswer() throws {
        let fixture = try CheckoutFixture()
        let results = fixture.checkout.book([
            fixture.order("u_a", fixture.seats("stalls-A-1")),
            fixture.order("u_b", fixture.seats("stalls-A-1")),
            fixture.order("u_c", fixture.seats("stalls-A-2"), token: "tok_decline"),
            fixture.order("u_d", fixture.seats("stalls-A-3")),
        ])
        #expect(throws: Never.self) { try results[0].get() }
        #expect(throws: BookingError.seatUnavailable(["stalls-A-1"])) { try results[1].get() }
        #expect(throws: CheckoutError.self) { try results[2].get() }
        #expect(throws: Never.self) { try results[3].get() }
        #expect(try [fixture.state("stalls-A-1"), fixture.state("stalls-A-2"), fixture.state("stalls-A-3")] == [.sold, .available, .sold])
    }

    @Test func cancellingABookingFreesItsSeatsAndRefundsIt() throws {
        let fixture = try CheckoutFixture()
        let answer = try fixture.checkout.book([fixture.order("u_a", fixture.seats("stalls-A-1"))])[0].get()
        let cancelled = try fixture.checkout.cancel(bookingID: String(decoding: answer.body, as: UTF8.self), in: fixture.store)
        #expect(cancelled.status == .cancelled)
        #expect(try fixture.state("stalls-A-1") == .available)
        #expect(fixture.provider.refunds.count == 1)
        #expect(try fixture.payments() == ["refunded"])
    }

    @Test func strandedPaymentsAreRefundedByTheReconciler() throws {
        let fixture = try CheckoutFixture()
        // A crash after the first transaction: the payment stays `charging`.
        _ = try fixture.store.holdForPayment(
            eventID: "e_1", customerID: "u_a", request: HoldRequest(seats: ["stalls-A-1"], ga: []),
            ttl: 600, window: Checkout.paymentWindow, now: fixture.time, idempotency: nil)
        #expect(try fixture.checkout.refundStrandedPayments(in: fixture.venues, olderThan: 600) == 0, "too recent")
        fixture.time += 601
        #expect(try fixture.checkout.refundStrandedPayments(in: fixture.venues, olderThan: 600) == 1)
        #expect(try fixture.payments() == ["refunded"])
    }
}

extension VenueStore {
    /// Every payment's state, oldest first.
    func paymentStates() throws -> [String] {
        try connection.prepare("SELECT state FROM payment ORDER BY created_at, id").map { $0.string(0) }
    }
}
