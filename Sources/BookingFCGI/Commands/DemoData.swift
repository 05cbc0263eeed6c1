import Auth
import Foundation
import Storage

/// Demo venues, events and accounts for `make run`, created once (skipped when venues exist).
enum DemoData {
    static let password = "demo-password-123"

    static func create(services: Services) throws {
        guard try services.venues.allIDs().isEmpty else {
            print("demo data: venues exist, nothing to do")
            return
        }
        let now = services.now()
        let hash = try services.hasher.hash(password)
        let organizer = try services.auth.user(email: "organizer@example.com")
            ?? services.auth.createUser(id: Identifier.make("u_"), email: "organizer@example.com", name: "Demo Organizer",
                                        role: Role.organizer.rawValue, passwordHash: hash, now: now)
        if try services.auth.user(email: "customer@example.com") == nil {
            _ = try services.auth.createUser(id: Identifier.make("u_"), email: "customer@example.com", name: "Demo Customer",
                                             role: Role.customer.rawValue, passwordHash: hash, now: now)
        }
        let theatre = Layout(sections: [
            .init(id: "stalls", name: "Stalls", kind: .seated(rows: (0..<12).map { .init(label: String(UnicodeScalar(65 + $0)!), seats: .count(20)) })),
            .init(id: "balcony", name: "Balcony", kind: .seated(rows: (0..<4).map { .init(label: "R\($0 + 1)", seats: .count(16)) })),
            .init(id: "standing", name: "Standing", kind: .ga(capacity: 150)),
        ])
        let club = Layout(sections: [.init(id: "floor", name: "Floor", kind: .ga(capacity: 400))])
        let venues: [(String, String, String, String, Layout, [(String, Int, [String: Int])])] = [
            ("grand-theatre", "Grand Theatre", "Paris", "Europe/Paris", theatre, [
                ("La Traviata", 7, ["stalls": 6500, "balcony": 3500, "standing": 1500]),
                ("The Nutcracker", 21, ["stalls": 5500, "balcony": 3000, "standing": 1200]),
            ]),
            ("blue-note-club", "Blue Note Club", "Berlin", "Europe/Berlin", club, [
                ("Late Night Jazz", 3, ["floor": 2500]),
            ]),
        ]
        for (slug, name, city, zone, layout, events) in venues {
            let id = VenueID(slug)!
            let store = try services.venues.create(id) { store in
                try store.initialise(id: id, name: name, city: city, timezone: zone, ownerID: organizer.id, layout: layout, now: now)
            }
            for (title, days, prices) in events {
                let startsAt = (now / 86400 + days) * 86400 + 18 * 3600  // 18:00 UTC, `days` from today
                _ = try store.createEvent(id: Identifier.make("e_"), draft: EventDraft(
                    title: title, description: "A demo event at \(name).", startsAt: startsAt, endsAt: startsAt + 3 * 3600,
                    currency: "EUR", prices: prices, maxPerCustomer: 10), now: now)
            }
            try services.catalog.sync(id, store: store)
        }
        print("demo data: 2 venues, 3 events; sign in as organizer@example.com or customer@example.com with password \(password)")
    }
}
