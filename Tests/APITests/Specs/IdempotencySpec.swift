import Foundation
import Testing

/// `Idempotency-Key` on the POSTs that create holds and bookings (API.md, "Conventions"): a
/// repeat of the same request by the same user is answered as the first was and does
/// nothing more; anything else with the key is refused.
@Suite final class IdempotencySpec: OnSaleSpec {
    static func key(_ name: String) -> [String: String] { ["Idempotency-Key": name + "-" + UUID().uuidString] }

    @Test func aRepeatedHoldReturnsTheFirstResponseAndHoldsOnce() throws {
        let key = Self.key("hold")
        let first = t.requestHold(alice, show, seats: ["stalls-B-3"], ga: 1, headers: key)
        let again = t.requestHold(alice, show, seats: ["stalls-B-3"], ga: 1, headers: key)
        #expect(first.status == 201 && again.status == 201, "\(first) / \(again)")
        #expect(again.body == first.body)
        #expect(try t.gaAvailable(show) == ["floor": 2], "one GA place held, not two")
        #expect(try t.stats(show, owner: organizer)["held"] == 2)
    }

    @Test func aRepeatedOneCallBookingReturnsTheFirstResponseAndBooksOnce() throws {
        let key = Self.key("book")
        let first = t.requestBooking(alice, show, ga: 2, headers: key)
        let again = t.requestBooking(alice, show, ga: 2, headers: key)
        #expect(first.status == 201 && again.status == 201, "\(first) / \(again)")
        #expect(again.body == first.body)
        #expect(try t.bookings(of: alice).count == 1)
        #expect(try t.stats(show, owner: organizer)["sold"] == 2)
    }

    @Test func aRepeatedPaymentOfAHoldReturnsTheSameBooking() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-A-1"])
        let key = Self.key("pay")
        let paid = t.pay(alice, show, hold: hold, headers: key)
        let repeated = t.pay(alice, show, hold: hold, headers: key)
        #expect(paid.status == 201 && repeated.status == 201, "\(paid) / \(repeated)")
        #expect(repeated.body == paid.body)
        #expect(try t.bookings(of: alice).map { $0["id"] as? String } == [paid["booking", "id"] as? String])
    }

    @Test func theSameKeyWithADifferentBodyIs422IdempotencyMismatch() throws {
        let key = Self.key("hold")
        #expect(t.requestHold(alice, show, seats: ["stalls-B-3"], headers: key).status == 201)
        let other = t.requestHold(alice, show, seats: ["stalls-B-4"], headers: key)
        #expect(other.status == 422 && other.errorCode == "idempotency_mismatch", "\(other)")
        let booking = t.requestBooking(alice, show, seats: ["stalls-B-4"], headers: key)
        #expect(booking.status == 422 && booking.errorCode == "idempotency_mismatch", "another route is another request: \(booking)")
        #expect(try t.seatStates(show)["stalls-B-4"] == "available")
        #expect(try t.bookings(of: alice).isEmpty)
    }

    @Test(arguments: ["", String(repeating: "k", count: 256), "with space", "tab\there", "caf\u{E9}", "line\nbreak", "\u{7F}"])
    func aMalformedKeyIs400InvalidIdempotencyKeyAndDoesNothing(key: String) throws {
        let hold = t.requestHold(alice, show, seats: ["stalls-A-1"], headers: ["Idempotency-Key": key])
        #expect(hold.status == 400 && hold.errorCode == "invalid_idempotency_key", "\(hold)")
        let booking = t.requestBooking(alice, show, seats: ["stalls-A-1"], headers: ["Idempotency-Key": key])
        #expect(booking.status == 400 && booking.errorCode == "invalid_idempotency_key", "\(booking)")
        #expect(try t.seatStates(show)["stalls-A-1"] == "available")
    }

    @Test func aKeyOf255VisibleCharactersIsAccepted() throws {
        let key = String(repeating: "~", count: 254) + "!"
        #expect(t.requestHold(alice, show, seats: ["stalls-A-1"], headers: ["Idempotency-Key": key]).status == 201)
    }

    @Test func keysArePerUser() throws {
        let key = Self.key("shared")
        let alices = t.requestHold(alice, show, seats: ["stalls-A-1"], headers: key)
        #expect(alices.status == 201, "\(alices)")
        // Bob's request with Alice's key and body is his own: the seat is hers, not a replay.
        let same = t.requestHold(bob, show, seats: ["stalls-A-1"], headers: key)
        #expect(same.status == 409 && same.errorCode == "seat_unavailable", "\(same)")
        let other = t.requestHold(bob, show, seats: ["stalls-A-2"], headers: key)
        #expect(other.status == 201 && other["hold", "id"] as? String != alices["hold", "id"] as? String, "\(other)")
        #expect(try t.seatStates(show).filter { $0.value == "held" }.keys.sorted() == ["stalls-A-1", "stalls-A-2"])
    }
}
