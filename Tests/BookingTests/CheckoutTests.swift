import Common
import Foundation
import Testing

@testable import Booking
@testable import Storage

/// A provider that keeps books per payment id as a real one does (a repeat charges nothing and
/// answers the first outcome), records every call, and declines the tokens it is told to.
final class RecordingProvider: PaymentProvider {
    /// Each payment id's outcome, as the provider's books hold it.
    var books: [String: PaymentOutcome] = [:]
    /// Every charge call's payment id, repeats included.
    var calls: [String] = []
    var refunds: [String] = []
    var isInstant = true
    /// When set, the provider does not answer (a network failure).
    var unreachable = false
    /// Runs during a charge, between the two transactions (e.g. to let a hold expire).
    var duringCharge: () -> Void = {}

    struct Unreachable: Error {}

    func charge(_ payments: [PaymentRequest]) -> [Result<PaymentOutcome, any Error>] {
        duringCharge()
        return payments.map { payment in
            calls.append(payment.paymentID)
            if unreachable { return .failure(Unreachable()) }
            if let first = books[payment.paymentID] { return .success(first) }
            let outcome: PaymentOutcome =
                payment.token == "tok_decline" ? .declined(reason: "the card was declined") : .charged(reference: "ref_" + payment.paymentID)
            books[payment.paymentID] = outcome
            return .success(outcome)
        }
    }

    func outcome(of paymentID: String) throws -> PaymentOutcome? {
        if unreachable { throw Unreachable() }
        return books[paymentID]
    }

    func refund(paymentID: String, amount: Int, currency: String) throws {
        refunds.append(paymentID)
        if case .charged = books[paymentID] { books[paymentID] = .refunded }
    }

    /// Payment ids charged (money taken and kept).
    var charged: [String] { books.filter { if case .charged = $0.value { true } else { false } }.keys.sorted() }
}

/// A venue with one seated row of 4 and an event on sale, and a checkout over it.
final class CheckoutFixture {
    let path = NSTemporaryDirectory() + "checkout-tests-" + UUID().uuidString
    let venues: VenueDirectory
    let store: VenueStore
    let venueID = VenueID("hall")!
    let provider = RecordingProvider()
    var time = 1_800_000_000
    /// Owner names of the processes that still run; this one is `ProcessIdentity.current`.
    var running: Set<String> = [ProcessIdentity.current]
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
        store.isRunning = { [unowned self] in running.contains($0) }
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
        #expect(fixture.provider.charged.count == 1 && fixture.provider.refunds.isEmpty)
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
        #expect(fixture.provider.calls.count == 1)
    }

    @Test func aChargeWhoseHoldExpiredMeanwhileIsRefunded() throws {
        let fixture = try CheckoutFixture()
        let holdID = try fixture.hold("u_a", "stalls-A-1")
        fixture.provider.isInstant = false  // the charge runs with the lock released, as a real provider's would
        fixture.provider.duringCharge = { fixture.time += 600 + Checkout.paymentWindow + 1 }
        let result = fixture.checkout.book([fixture.order("u_a", .hold(id: holdID), key: "k1")])[0]
        #expect(throws: BookingError.holdExpired) { try result.get() }
        #expect(fixture.provider.refunds == fixture.provider.calls)
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

    /// Hi.Events #699: a 100 % voucher must not charge anything, nor need a card that works.
    @Test func aFreeOrderIsBookedWithoutCallingTheProviderAndCancelledWithoutARefund() throws {
        let fixture = try CheckoutFixture()
        _ = try fixture.store.createVoucher(
            eventID: "e_1", draft: VoucherDraft(code: "FREE", discount: .percentOff(100)), now: fixture.time)
        let items = Checkout.Order.Items.seats(eventID: "e_1", HoldRequest(seats: ["stalls-A-1"], ga: [], voucher: "free"))
        let answer = try fixture.checkout.book([fixture.order("u_a", items, token: "tok_decline")])[0].get()
        let booking = try #require(try fixture.store.booking(String(decoding: answer.body, as: UTF8.self)))
        #expect(booking.total == 0 && booking.tickets.map(\.price) == [0])
        #expect(fixture.provider.calls.isEmpty)
        _ = try fixture.checkout.cancel(bookingID: booking.id, in: fixture.store)
        #expect(fixture.provider.refunds.isEmpty)
        #expect(try fixture.state("stalls-A-1") == .available)
    }

}

/// A request whose process died mid-payment is finished by its retry or by the reconciler,
/// and ends as it would have ended, with no payment charged twice (DESIGN.md, "Resumable
/// requests").
@Suite("The checkout after a crash")
struct CheckoutRecoveryTests {
    /// Plays a worker that recorded the payment of `order`, maybe reached the provider, and
    /// was killed before settling it. Returns the payment id.
    func crashMidPayment(_ fixture: CheckoutFixture, _ order: Checkout.Order, chargeReachedProvider: Bool) throws -> String {
        fixture.store.requestOwner = "killed-worker"
        defer { fixture.store.requestOwner = ProcessIdentity.current }
        guard case .seats(let eventID, let request) = order.items,
            case .charge(let intent) = try fixture.store.holdForPayment(
                eventID: eventID, customerID: order.customerID, request: request, ttl: 600, window: Checkout.paymentWindow,
                now: fixture.time, idempotency: order.idempotency)
        else { throw BookingError.requestInProgress(retryAfter: 1) }
        if chargeReachedProvider {
            _ = fixture.provider.charge([PaymentRequest(paymentID: intent.paymentID, amount: intent.amount, currency: intent.currency, token: nil)])
        }
        return intent.paymentID
    }

    @Test func aRetryAfterTheChargeGetsTheBookingWithoutChargingAgain() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        let paymentID = try crashMidPayment(fixture, order, chargeReachedProvider: true)
        let answer = try fixture.checkout.book([order])[0].get()
        #expect(answer.status == 201)
        #expect(fixture.provider.calls == [paymentID, paymentID], "asked again by its payment id")
        #expect(fixture.provider.charged == [paymentID] && fixture.provider.refunds.isEmpty)
        #expect(try fixture.state("stalls-A-1") == .sold)
        #expect(try fixture.checkout.book([order])[0].get() == answer, "a later repeat gets the same answer")
    }

    @Test func aRetryBeforeTheChargeChargesItOnceNow() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        let paymentID = try crashMidPayment(fixture, order, chargeReachedProvider: false)
        #expect(try fixture.checkout.book([order])[0].get().status == 201)
        #expect(fixture.provider.calls == [paymentID] && fixture.provider.charged == [paymentID])
    }

    @Test func aRetryWhileTheFirstProcessRunsIsToldToWait() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        _ = try crashMidPayment(fixture, order, chargeReachedProvider: false)
        fixture.running.insert("killed-worker")  // it did not die after all
        #expect(throws: BookingError.requestInProgress(retryAfter: 1)) { try fixture.checkout.book([order])[0].get() }
    }

    @Test func aProviderThatDoesNotAnswerLeavesThePaymentToTheNextRetry() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        fixture.provider.unreachable = true
        #expect(throws: RecordingProvider.Unreachable.self) { try fixture.checkout.book([order])[0].get() }
        fixture.provider.unreachable = false
        fixture.store.requestOwner = "another-worker"  // the retry lands elsewhere, at once
        fixture.running.insert("another-worker")
        #expect(try fixture.checkout.book([order])[0].get().status == 201)
        #expect(fixture.provider.charged.count == 1)
    }

    @Test func theReconcilerBooksAChargedRequestNobodyRetried() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        let paymentID = try crashMidPayment(fixture, order, chargeReachedProvider: true)
        #expect(try fixture.checkout.finishAbandonedRequests(in: fixture.venues, olderThan: 60) { _ in fixture.replies } == 0, "too recent")
        fixture.time += 61
        #expect(try fixture.checkout.finishAbandonedRequests(in: fixture.venues, olderThan: 60) { _ in fixture.replies } == 1)
        #expect(try fixture.payments() == ["captured"])
        #expect(try fixture.state("stalls-A-1") == .sold)
        #expect(fixture.provider.charged == [paymentID] && fixture.provider.refunds.isEmpty)
        let late = try fixture.checkout.book([order])[0].get()
        #expect(late.status == 201, "a late retry gets the booking the reconciler made")
        #expect(try fixture.store.bookings(customerID: "u_a").map(\.id) == [String(decoding: late.body, as: UTF8.self)])
    }

    @Test func theReconcilerDropsARequestWhoseChargeNeverArrived() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        _ = try crashMidPayment(fixture, order, chargeReachedProvider: false)
        fixture.time += 61
        #expect(try fixture.checkout.finishAbandonedRequests(in: fixture.venues, olderThan: 60) { _ in fixture.replies } == 1)
        #expect(try fixture.payments() == ["abandoned"])
        #expect(try fixture.state("stalls-A-1") == .available, "the seats of the one-call hold are free")
        #expect(fixture.provider.calls.isEmpty, "nothing is charged without the customer")
        #expect(try fixture.checkout.book([order])[0].get().status == 201, "the key is forgotten: a retry runs afresh")
    }

    @Test func theReconcilerRefundsAChargeWhoseHoldExpired() throws {
        let fixture = try CheckoutFixture()
        let order = fixture.order("u_a", fixture.seats("stalls-A-1"), key: "k1")
        let paymentID = try crashMidPayment(fixture, order, chargeReachedProvider: true)
        fixture.time += 600 + Checkout.paymentWindow + 1
        #expect(try fixture.checkout.finishAbandonedRequests(in: fixture.venues, olderThan: 60) { _ in fixture.replies } == 1)
        #expect(try fixture.payments() == ["refunded"])
        #expect(fixture.provider.refunds == [paymentID] && fixture.provider.charged.isEmpty)
        #expect(try fixture.store.bookings(customerID: "u_a").isEmpty)
    }
}

extension VenueStore {
    /// Every payment's state, oldest first.
    func paymentStates() throws -> [String] {
        try connection.prepare("SELECT state FROM payment ORDER BY created_at, id").map { $0.string(0) }
    }
}
