import Foundation
import TestSupport

@testable import Storage

/// A venue with a 2×5 seated section and a GA section of 3, and one event on sale.
struct VenueFixture {
    let directory = TemporaryDirectory()
    let venues: VenueDirectory
    let store: VenueStore
    let eventID: String
    let now = 1_800_000_000
    static let ttl = 600

    init(maxPerCustomer: Int = 10) throws {
        venues = try VenueDirectory(path: directory.file("venues"), synchronous: .full, maxOpen: 8)
        let id = VenueID("hall")!
        let now = now
        store = try venues.create(id) { store in
            try store.initialise(
                id: id, name: "Hall", city: "Lyon", timezone: "Europe/Paris", ownerID: "u_owner",
                layout: Layout(sections: [
                    .init(
                        id: "stalls", name: "Stalls",
                        kind: .seated(rows: [
                            .init(label: "A", seats: .count(5)), .init(label: "B", seats: .count(5)),
                        ])),
                    .init(id: "floor", name: "Floor", kind: .ga(capacity: 3)),
                ]), now: now)
        }
        eventID = try store.createEvent(
            id: "e_1",
            draft: EventDraft(
                title: "Show", startsAt: now + 86400, currency: "EUR",
                prices: ["stalls": 4500, "floor": 2000], maxPerCustomer: maxPerCustomer),
            now: now
        ).id
    }

    /// Holds and returns the hold id (via the stored response's JSON-free path).
    @discardableResult
    func hold(
        _ customer: String, seats: [String] = [], ga: [GAQuantity] = [], voucher: String? = nil, at time: Int? = nil, ttl: Int = ttl
    ) throws -> HoldRecord {
        var made: HoldRecord?
        _ = try store.createHold(
            eventID: eventID, customerID: customer, request: HoldRequest(seats: seats, ga: ga, voucher: voucher), ttl: ttl,
            now: time ?? now, idempotency: nil
        ) { hold in
            made = hold
            return StoredResponse(status: 201, body: Array(hold.id.utf8))
        }
        return made!
    }

    /// Pays for a hold and returns the booking.
    func book(_ hold: HoldRecord, at time: Int? = nil) throws -> BookingRecord {
        guard
            case .charge(let intent) = try store.beginPayment(
                holdID: hold.id, customerID: hold.customerID, window: 60,
                now: time ?? now, idempotency: nil)
        else { fatalError("replay") }
        var made: BookingRecord?
        _ = try store.confirmPayment(intent, providerReference: "ref", now: time ?? now) { booking in
            made = booking
            return StoredResponse(status: 201, body: [])
        }
        return made!
    }

    func states(at time: Int? = nil) throws -> [String: SeatMap.State] {
        Dictionary(uniqueKeysWithValues: try store.seatMap(eventID: eventID, now: time ?? now).seats.map { ($0.seat.id, $0.state) })
    }

    func gaAvailable(at time: Int? = nil) throws -> Int {
        try store.seatMap(eventID: eventID, now: time ?? now).ga.first!.available
    }
}
