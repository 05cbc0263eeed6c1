import Testing

@testable import Storage

@Suite("Voucher pricing")
struct VoucherPricingTests {
    @Test("a percentage off rounds the discount down, and 100 % is free")
    func percentOff() {
        #expect(VoucherDiscount.percentOff(25).apply(to: 4500) == 3375)
        #expect(VoucherDiscount.percentOff(33).apply(to: 999) == 670)  // 329.67 off, rounded down to 329
        #expect(VoucherDiscount.percentOff(100).apply(to: 4500) == 0)
        #expect(VoucherDiscount.percentOff(0).apply(to: 4500) == 4500)
    }

    @Test("an amount off never takes a price below 0")
    func amountOff() {
        #expect(VoucherDiscount.amountOff(500).apply(to: 4500) == 4000)
        #expect(VoucherDiscount.amountOff(9000).apply(to: 4500) == 0)
    }

    @Test("a fixed price never raises a cheaper ticket")
    func fixedPrice() {
        #expect(VoucherDiscount.price(1000).apply(to: 4500) == 1000)
        #expect(VoucherDiscount.price(5000).apply(to: 4500) == 4500)
        #expect(VoucherDiscount.price(0).apply(to: 4500) == 0)
    }
}

@Suite("Vouchers in a venue file")
struct VoucherStoreTests {
    @Test("a code is found in any case, and only the sections it names are re-priced")
    func sectionsAndCase() throws {
        let venue = try VenueFixture()
        _ = try venue.store.createVoucher(
            eventID: venue.eventID, draft: VoucherDraft(code: "Floor-Half", discount: .percentOff(50), sections: ["floor"]), now: venue.now)
        let hold = try venue.hold("alice", seats: ["stalls-A-1"], ga: [GAQuantity(sectionID: "floor", quantity: 2)], voucher: "fLOOR-hALF")
        #expect(hold.total == 4500 + 2 * 1000)
        #expect(hold.voucher == AppliedVoucher(code: "FLOOR-HALF", discount: 2000))
        let booking = try venue.book(hold)
        #expect(booking.tickets.map(\.price).sorted() == [1000, 1000, 4500])
        #expect(booking.voucher?.discount == 2000)
    }

    @Test("a code is valid from validFrom until just before validUntil")
    func window() throws {
        let venue = try VenueFixture()
        let draft = VoucherDraft(code: "WINDOW", discount: .amountOff(100), validFrom: venue.now + 10, validUntil: venue.now + 20)
        _ = try venue.store.createVoucher(eventID: venue.eventID, draft: draft, now: venue.now)
        #expect(throws: BookingError.invalidVoucher) { try venue.hold("alice", seats: ["stalls-A-1"], voucher: "window", at: venue.now + 9) }
        #expect(try venue.hold("alice", seats: ["stalls-A-1"], voucher: "window", at: venue.now + 10).total == 4400)
        #expect(throws: BookingError.invalidVoucher) { try venue.hold("bob", seats: ["stalls-A-2"], voucher: "window", at: venue.now + 20) }
    }

    @Test("uses come back when a hold is released, expires or its booking is cancelled")
    func usesComeBack() throws {
        let venue = try VenueFixture()
        _ = try venue.store.createVoucher(
            eventID: venue.eventID, draft: VoucherDraft(code: "ONE", discount: .percentOff(10), maxUses: 1), now: venue.now)
        func uses(at time: Int) throws -> Int { try venue.store.vouchers(eventID: venue.eventID, now: time)[0].uses }

        let released = try venue.hold("alice", seats: ["stalls-A-1"], voucher: "one")
        #expect(throws: BookingError.voucherUsedUp) { try venue.hold("bob", seats: ["stalls-A-2"], voucher: "one") }
        try venue.store.releaseHold(released.id, customerID: "alice", now: venue.now)
        #expect(try uses(at: venue.now) == 0)

        _ = try venue.hold("alice", seats: ["stalls-A-1"], voucher: "one", ttl: 5)
        #expect(try uses(at: venue.now + 5) == 0, "an expired hold no longer counts, swept or not")
        try venue.store.sweepExpiredHolds(now: venue.now + 5)

        let booking = try venue.book(try venue.hold("bob", seats: ["stalls-A-2"], voucher: "one", at: venue.now + 6), at: venue.now + 6)
        #expect(try uses(at: venue.now + 6) == 1)
        _ = try venue.store.cancelBooking(booking.id, now: venue.now + 7)
        #expect(try uses(at: venue.now + 7) == 0)
        #expect(try venue.hold("carol", seats: ["stalls-A-3"], voucher: "one", at: venue.now + 8).total == 4050)
    }

    @Test("a hidden section is held only with a voucher that names it")
    func hiddenSections() throws {
        let venue = try VenueFixture()
        var patch = EventPatch()
        patch.hiddenSections = ["floor"]
        _ = try venue.store.updateEvent(venue.eventID, patch: patch, now: venue.now)
        _ = try venue.store.createVoucher(
            eventID: venue.eventID, draft: VoucherDraft(code: "ANY", discount: .percentOff(10)), now: venue.now)
        _ = try venue.store.createVoucher(
            eventID: venue.eventID, draft: VoucherDraft(code: "PRESALE", discount: .percentOff(0), sections: ["floor"]), now: venue.now)
        let floor = [GAQuantity(sectionID: "floor", quantity: 1)]
        #expect(throws: BookingError.voucherRequired) { try venue.hold("alice", ga: floor) }
        #expect(throws: BookingError.voucherRequired) { try venue.hold("alice", ga: floor, voucher: "any") }
        #expect(try venue.hold("alice", ga: floor, voucher: "presale").total == 2000)
        #expect(try venue.store.seatMap(eventID: venue.eventID, now: venue.now).ga.map(\.available) == [0])
    }

    @Test("a code is unique per event in any case, and free again once deleted")
    func uniqueCodes() throws {
        let venue = try VenueFixture()
        let draft = VoucherDraft(code: "Same", discount: .price(100))
        _ = try venue.store.createVoucher(eventID: venue.eventID, draft: draft, now: venue.now)
        #expect(throws: BookingError.voucherExists) {
            try venue.store.createVoucher(eventID: venue.eventID, draft: VoucherDraft(code: "SAME", discount: .price(1)), now: venue.now)
        }
        try venue.store.deleteVoucher(eventID: venue.eventID, code: "same", now: venue.now)
        #expect(throws: BookingError.voucherNotFound) { try venue.store.deleteVoucher(eventID: venue.eventID, code: "same", now: venue.now) }
        #expect(try venue.store.createVoucher(eventID: venue.eventID, draft: draft, now: venue.now).uses == 0)
    }
}
