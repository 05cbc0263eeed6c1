import Foundation
import Testing

/// The purchase rules (API.md, "Holds, bookings, tickets"): what is sold once, to whom, how
/// many, when, and what a decline, an expiry, a release or a cancellation gives back. Each
/// test reads the seat map or the bookings back after the answer.
@Suite final class BookingRulesSpec: OnSaleSpec {
    @Test func aHeldSeatIsPaidForAndBecomesOneTicketPerPlace() throws {
        let held = t.requestHold(alice, show, seats: ["stalls-A-1", "stalls-A-2"], ga: 1)
        #expect(held.status == 201, "\(held)")
        #expect(held["hold", "total"] as? Int == 2 * 4500 + 2000 && held["hold", "currency"] as? String == "EUR")
        #expect(try t.seatStates(show)["stalls-A-1"] == "held")

        let paid = t.pay(alice, show, hold: try #require(held["hold", "id"] as? String))
        #expect(paid.status == 201, "\(paid)")
        let tickets = try #require(paid["booking", "tickets"] as? [[String: Any]])
        #expect(paid["booking", "status"] as? String == "confirmed" && tickets.count == 3)
        #expect(tickets.allSatisfy { ($0["code"] as? String)?.count ?? 0 >= 12 })
        #expect(Set(tickets.compactMap { $0["seatId"] as? String }) == ["stalls-A-1", "stalls-A-2"])
        #expect(try t.seatStates(show).filter { $0.value == "sold" }.keys.sorted() == ["stalls-A-1", "stalls-A-2"])
        #expect(try t.gaAvailable(show) == ["floor": 2])
        #expect(try t.bookings(of: alice).map { $0["id"] as? String } == [paid["booking", "id"] as? String])
    }

    @Test func aSeatIsNeverSoldTwice() throws {
        _ = try t.hold(alice, show, seats: ["stalls-B-1"])
        let taken = t.requestHold(bob, show, seats: ["stalls-B-2", "stalls-B-1"])
        #expect(taken.status == 409 && taken.errorCode == "seat_unavailable", "\(taken)")
        #expect(taken.errorDetails?["seats"] as? [String] == ["stalls-B-1"])

        _ = try t.book(alice, show, seats: ["stalls-A-3"])
        let sold = t.requestBooking(bob, show, seats: ["stalls-A-3"])
        #expect(sold.status == 409 && sold.errorCode == "seat_unavailable", "\(sold)")
        #expect(t.requestHold(bob, show, seats: ["stalls-A-3"]).errorCode == "seat_unavailable")

        let states = try t.seatStates(show)
        #expect(states["stalls-B-1"] == "held" && states["stalls-A-3"] == "sold" && states["stalls-B-2"] == "available")
        #expect(try t.bookings(of: bob).isEmpty)
    }

    @Test func generalAdmissionIsNeverOversold() throws {
        _ = try t.hold(alice, show, ga: 2)
        let tooMany = t.requestHold(bob, show, ga: 2)
        #expect(tooMany.status == 409 && tooMany.errorCode == "sold_out", "\(tooMany)")
        #expect(tooMany.errorDetails?["available"] as? Int == 1)
        _ = try t.book(bob, show, ga: 1)
        let none = t.requestBooking(try t.register(), show, ga: 1)
        #expect(none.status == 409 && none.errorCode == "sold_out", "\(none)")
        #expect(try t.gaAvailable(show) == ["floor": 0])
    }

    @Test func aHoldIsAllOrNothing() throws {
        let refused = t.requestHold(alice, show, seats: ["stalls-A-1", "stalls-A-2"], ga: 4)
        #expect(refused.status == 409 && refused.errorCode == "sold_out", "\(refused)")
        _ = try t.hold(bob, show, seats: ["stalls-A-5"])
        let partly = t.requestHold(alice, show, seats: ["stalls-A-4", "stalls-A-5"], ga: 1)
        #expect(partly.status == 409 && partly.errorCode == "seat_unavailable", "\(partly)")
        #expect(try t.seatStates(show).filter { $0.value != "available" }.keys.sorted() == ["stalls-A-5"])
        #expect(try t.gaAvailable(show) == ["floor": 3])
    }

    @Test func aCustomerHoldsAndBuysAtMostTheEventsLimitCountingLiveHoldsAndBookings() throws {
        let limited = try t.show(owner: organizer, maxPerCustomer: 3)
        let over = t.requestHold(alice, limited, seats: ["stalls-A-1", "stalls-A-2", "stalls-A-3", "stalls-A-4"])
        #expect(over.status == 422 && over.errorCode == "ticket_limit", "\(over)")

        _ = try t.book(alice, limited, seats: ["stalls-A-1"])
        let hold = try t.hold(alice, limited, ga: 1)
        let third = t.requestHold(alice, limited, seats: ["stalls-B-1", "stalls-B-2"])
        #expect(third.status == 422 && third.errorCode == "ticket_limit", "one booked and one held: two more is over 3 (\(third))")
        #expect(third.errorDetails?["alreadyHeldOrBooked"] as? Int == 2)
        #expect(t.requestBooking(alice, limited, seats: ["stalls-B-1", "stalls-B-2"]).errorCode == "ticket_limit")

        #expect(t.request("DELETE", limited.hold(hold), as: alice).status == 204)
        #expect(t.requestHold(alice, limited, seats: ["stalls-B-1", "stalls-B-2"]).status == 201, "the released hold no longer counts")
        #expect(t.requestHold(bob, limited, seats: ["stalls-A-2", "stalls-A-3", "stalls-A-4"]).status == 201, "the limit is per customer")
    }

    @Test func aHoldOrBookingOfMoreThan100PlacesIs422() throws {
        let big = try t.show(owner: organizer, rows: 1, seats: 101, ga: 200, maxPerCustomer: 100)
        let seats = (1...101).map { "stalls-A-\($0)" }
        for response in [
            t.requestHold(alice, big, seats: seats), t.requestHold(alice, big, ga: 101),
            t.requestHold(alice, big, seats: Array(seats.prefix(50)), ga: 51), t.requestBooking(alice, big, seats: seats),
        ] {
            #expect(response.status == 422, "\(response)")
        }
        #expect(try t.seatStates(big).values.allSatisfy { $0 == "available" } && t.gaAvailable(big) == ["floor": 200])
        #expect(t.requestHold(alice, big, seats: Array(seats.prefix(50)), ga: 50).status == 201, "100 places is allowed")
    }

    @Test func anEventIsNotOnSaleBeforeSalesStartAt() throws {
        let opens = Date(timeIntervalSince1970: Double(t.now + 3600))
        let later = try t.show(owner: organizer, fields: ["salesStartAt": ISO8601DateFormatter().string(from: opens)])
        let early = t.requestHold(alice, later, seats: ["stalls-A-1"])
        #expect(early.status == 422 && early.errorCode == "not_on_sale", "\(early)")
        #expect(t.requestBooking(alice, later, seats: ["stalls-A-1"]).errorCode == "not_on_sale")
        #expect(try t.seatStates(later)["stalls-A-1"] == "available")

        t.advanceClock(by: 3600)
        #expect(t.requestHold(alice, later, seats: ["stalls-A-1"]).status == 201, "on sale from salesStartAt")
    }

    @Test func anExpiredHoldIs410WhenBookedAndItsSeatsAreFreeAtOnce() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-A-1"], ga: 2)
        t.advanceClock(by: t.services.configuration.holdTTL)
        #expect(try t.seatStates(show)["stalls-A-1"] == "available", "no sweeper needed")
        #expect(try t.gaAvailable(show) == ["floor": 3])

        let late = t.pay(alice, show, hold: hold)
        #expect(late.status == 410 && late.errorCode == "hold_expired", "\(late)")
        #expect(try t.bookings(of: alice).isEmpty)
        #expect(t.requestHold(bob, show, seats: ["stalls-A-1"], ga: 3).status == 201)
    }

    @Test func aHoldIsLiveUntilItsTimeIsUp() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-A-1"])
        t.advanceClock(by: t.services.configuration.holdTTL - 1)
        #expect(try t.seatStates(show)["stalls-A-1"] == "held")
        #expect(t.pay(alice, show, hold: hold).status == 201)
    }

    @Test func releasingAHoldFreesItsSeatsAtOnce() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-A-1", "stalls-A-2"], ga: 3)
        #expect(t.request("DELETE", show.hold(hold), as: alice).status == 204)
        #expect(try t.seatStates(show).values.allSatisfy { $0 == "available" } && t.gaAvailable(show) == ["floor": 3])
        #expect(t.request("DELETE", show.hold(hold), as: alice).status == 404, "it is gone")
        #expect(t.pay(alice, show, hold: hold).status == 404)
        #expect(t.requestHold(bob, show, seats: ["stalls-A-1", "stalls-A-2"], ga: 3).status == 201)
    }

    @Test func aDeclinedPaymentIs402AndLeavesNoBookingButTheHold() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-A-5"])
        let declined = t.pay(alice, show, hold: hold, card: "tok_decline")
        #expect(declined.status == 402 && declined.errorCode == "payment_declined", "\(declined)")
        #expect(try t.bookings(of: alice).isEmpty)
        #expect(try t.seatStates(show)["stalls-A-5"] == "held", "the hold stays until it expires")
        #expect(t.pay(alice, show, hold: hold).status == 201, "the customer may try again")
    }

    @Test func aDeclinedOneCallBookingIs402AndFreesTheSeatsItHeld() throws {
        let declined = t.requestBooking(alice, show, seats: ["stalls-A-4"], ga: 2, card: "tok_decline")
        #expect(declined.status == 402 && declined.errorCode == "payment_declined", "\(declined)")
        #expect(try t.bookings(of: alice).isEmpty)
        #expect(try t.seatStates(show)["stalls-A-4"] == "available" && t.gaAvailable(show) == ["floor": 3])
        let booked = try t.book(bob, show, seats: ["stalls-A-4"], ga: 3)
        #expect((booked["tickets"] as? [[String: Any]])?.first?["seatId"] as? String == "stalls-A-4")
    }

    @Test func cancellingABookingFreesItsSeatsAndASecondCancelIs409() throws {
        let booking = try t.book(alice, show, seats: ["stalls-A-1"], ga: 1)
        let cancel = show.booking(try #require(booking["id"] as? String)) + "/cancel"
        let cancelled = t.request("POST", cancel, as: alice)
        #expect(cancelled.status == 200 && cancelled["booking", "status"] as? String == "cancelled", "\(cancelled)")
        #expect(try t.seatStates(show)["stalls-A-1"] == "available" && t.gaAvailable(show) == ["floor": 3])
        #expect(try t.bookings(of: alice).map { $0["status"] as? String } == ["cancelled"], "cancelled bookings are listed")

        let again = t.request("POST", cancel, as: alice)
        #expect(again.status == 409 && again.errorCode == "already_cancelled", "\(again)")
        #expect(t.requestHold(bob, show, seats: ["stalls-A-1"], ga: 3).status == 201)
    }

    @Test func aBookingCannotBeCancelledOnceTheEventHasStarted() throws {
        let booking = try t.book(alice, show, seats: ["stalls-A-1"])
        let startsAt = try #require(ISO8601DateFormatter().date(from: "2030-06-01T19:00:00Z"))
        t.advanceClock(by: Int(startsAt.timeIntervalSince1970) - t.now)
        let signedIn = try t.login(alice)  // years later: the first session has expired
        let late = t.request("POST", show.booking(try #require(booking["id"] as? String)) + "/cancel", as: signedIn)
        #expect(late.status == 409 && late.errorCode == "event_started", "\(late)")
        #expect(try t.seatStates(show)["stalls-A-1"] == "sold")
    }

    @Test func aCancelledEventCancelsItsBookingsAndTakesNoMoreHolds() throws {
        _ = try t.book(alice, show, seats: ["stalls-A-1"])
        let cancelled = t.request("POST", show.path + "/cancel", as: organizer)
        #expect(cancelled.status == 200 && cancelled["event", "status"] as? String == "cancelled", "\(cancelled)")
        #expect(try t.bookings(of: alice).map { $0["status"] as? String } == ["cancelled"])
        let hold = t.requestHold(bob, show, seats: ["stalls-A-2"])
        #expect(hold.status == 409 && hold.errorCode == "event_cancelled", "\(hold)")
    }
}
