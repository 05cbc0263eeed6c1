import Auth
import FoundationEssentials
import Runtime
import Storage

/// Demo venues, events and accounts for `make run`, created once (skipped when venues exist).
enum DemoData {
    static let password = "demo-password-123"
    /// The demo's big on-sale: its waiting room opens with the demo, its sales 15 minutes later.
    static let onSaleTitle = "Winter Pop Festival"

    static func create(services: Services) throws {
        guard try services.venues.allIDs().isEmpty else {
            print("demo data: venues exist, nothing to do")
            return
        }
        let now = services.now()
        let hash = try services.hasher.hash(password)
        let organizer =
            try services.auth.user(email: "organizer@example.com")
            ?? services.auth.createUser(
                id: Identifier.make("u_"), email: "organizer@example.com", name: "Demo Organizer",
                role: .organizer, passwordHash: hash, now: now)
        if try services.auth.user(email: "customer@example.com") == nil {
            _ = try services.auth.createUser(
                id: Identifier.make("u_"), email: "customer@example.com", name: "Demo Customer",
                role: .customer, passwordHash: hash, now: now)
        }
        let theatre = Layout(sections: [
            .init(
                id: "stalls", name: "Stalls", kind: .seated(rows: (0..<12).map { .init(label: String(UnicodeScalar(65 + $0)!), seats: .count(20)) })),
            .init(id: "balcony", name: "Balcony", kind: .seated(rows: (0..<4).map { .init(label: "R\($0 + 1)", seats: .count(16)) })),
            .init(id: "standing", name: "Standing", kind: .ga(capacity: 150)),
        ])
        let club = Layout(sections: [.init(id: "floor", name: "Floor", kind: .ga(capacity: 400))])
        let arena = Layout(sections: [
            .init(id: "floor", name: "Floor", kind: .seated(rows: (1...30).map { .init(label: "F\($0)", seats: .count(60)) })),
            .init(id: "upper", name: "Upper tier", kind: .seated(rows: (1...20).map { .init(label: "U\($0)", seats: .count(70)) })),
        ])
        let venues: [(String, String, String, String, Layout, [(String, Int, [String: Int])])] = [
            (
                "grand-theatre", "Grand Theatre", "Paris", "Europe/Paris", theatre,
                [
                    ("La Traviata", 7, ["stalls": 6500, "balcony": 3500, "standing": 1500]),
                    ("The Nutcracker", 21, ["stalls": 5500, "balcony": 3000, "standing": 1200]),
                ]
            ),
            (
                "blue-note-club", "Blue Note Club", "Berlin", "Europe/Berlin", club,
                [
                    ("Late Night Jazz", 3, ["floor": 2500])
                ]
            ),
            (
                "city-arena", "City Arena", "Lisbon", "Europe/Lisbon", arena,
                [
                    ("Symphony No. 9", 10, ["floor": 7500, "upper": 4000]),
                    ("Winter Pop Festival", 30, ["floor": 5900, "upper": 3900]),
                ]
            ),
        ]
        var fans: [String] = []
        for n in 1...6 {
            let email = "fan\(n)@example.com"
            let fan =
                try services.auth.user(email: email)
                ?? services.auth.createUser(
                    id: Identifier.make("u_"), email: email, name: "Demo Fan \(n)",
                    role: .customer, passwordHash: hash, now: now)
            fans.append(fan.id)
        }
        for (slug, name, city, zone, layout, events) in venues {
            let id = VenueID(slug)!
            let store = try services.venues.create(id) { store in
                try store.initialise(id: id, name: name, city: city, timezone: zone, ownerID: organizer.id, layout: layout, now: now)
            }
            store.makeTicketCode = TicketCode.make
            let seats = try store.seats()
            for (index, (title, days, prices)) in events.enumerated() {
                let startsAt = (now / 86400 + days) * 86400 + 18 * 3600  // 18:00 UTC, `days` from today
                let onSale = title == onSaleTitle
                let event = try store.createEvent(
                    id: Identifier.make("e_"),
                    draft: EventDraft(
                        title: title, description: "A demo event at \(name).", startsAt: startsAt, endsAt: startsAt + 3 * 3600,
                        currency: "EUR", prices: prices, maxPerCustomer: 10,
                        salesStartAt: onSale ? now + 15 * 60 : nil,
                        queue: onSale ? QueueSettings(opensAt: now, admitPerMinute: 120, passMinutes: 10) : nil), now: now)
                // Some seats already sold, in blocks, so the map looks like a real sale (the on-sale has none yet).
                for (fan, customerID) in fans.enumerated() where !seats.isEmpty && !onSale {
                    // Evenly spaced blocks of 6, shifted per event: they never overlap.
                    let start = (fan * (seats.count / fans.count) + index * 13) % (seats.count - 6)
                    try sell(store, event: event.id, customer: customerID, seats: seats[start..<(start + 6)].map(\.id), now: now)
                }
            }
            try services.catalog.sync(id, store: store)
        }
        print(
            "demo data: 3 venues (one of 3,200 seats), 5 events (\(onSaleTitle) goes on sale through its waiting room in 15 minutes), some seats sold; sign in as organizer@example.com or customer@example.com with password \(password)"
        )
    }

    /// Books `seats` for `customer` through the real hold, payment and confirmation steps.
    private static func sell(_ store: VenueStore, event: String, customer: String, seats: [String], now: Int) throws {
        guard
            case .charge(let intent) = try store.holdForPayment(
                eventID: event, customerID: customer, request: HoldRequest(seats: seats, ga: []),
                ttl: 600, window: 60, now: now, idempotency: nil)
        else { return }
        _ = try store.confirmPayment(intent, providerReference: "demo", now: now) { _ in StoredResponse(status: 201, body: []) }
    }
}
