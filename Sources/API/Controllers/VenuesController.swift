import Auth
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// `/api/venues`: create (organizer, admin), list and read (anyone).
package enum VenuesController {
    package struct CreateBody: Decodable {
        package let id: String
        package let name: String
        package let city: String?
        package let timezone: String
        package let layout: LayoutBody
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireRole(request, .organizer, .admin)
        let body = try request.decode(CreateBody.self)
        guard let id = VenueID(body.id) else {
            throw APIError.unprocessable(
                "a venue id is 1-63 characters of a-z, 0-9 and -, starting with a letter or digit",
                code: "invalid_venue_id", field: "id")
        }
        guard TimeZoneDatabase.contains(body.timezone) else {
            throw APIError.unprocessable("timezone must be an IANA time zone such as Europe/Paris", field: "timezone")
        }
        let services = context.services
        if user.role != .admin, try services.catalog.venueCount(ownerID: user.id) >= services.configuration.venueQuota {
            throw APIError.unprocessable("you have reached your quota of \(services.configuration.venueQuota) venues", code: "venue_quota")
        }
        let layout = try body.layout.layout()
        let store = try services.venues.create(id) { store in
            try store.initialise(
                id: id, name: body.name, city: body.city, timezone: body.timezone, ownerID: user.id,
                layout: layout, now: services.now())
        }
        services.syncCatalog(id, store)
        return try .json(["venue": VenueView(try store.venue(), sections: try store.sections(), seats: try store.seats())], status: .created)
    }

    static func list(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let page = try Page(request)
        let ids = try context.services.catalog.venueIDs(after: page.cursor?.first, ownerID: request.query["owner"], limit: page.limit + 1)
        var venues: [VenueView] = []
        for id in ids.prefix(page.limit) {
            if let venueID = VenueID(id), let store = try context.services.venues.store(venueID) {
                venues.append(VenueView(try store.venue()))
            }
        }
        let next = ids.count > page.limit ? Page.cursor([ids[page.limit - 1]]) : nil
        return try .json(PageBody(name: "venues", items: venues, nextCursor: next))
    }

    static func get(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try context.venue()
        return try .json(["venue": VenueView(try store.venue(), sections: try store.sections(), seats: try store.seats())])
    }
}

/// The layout as JSON: a row's `seats` is either a count or a list of `{number, x, y, attributes?}`.
package struct LayoutBody: Decodable {
    struct SectionBody: Decodable {
        let id: String
        let name: String
        let kind: String
        let rows: [RowBody]?
        let capacity: Int?
    }
    struct RowBody: Decodable {
        struct SeatBody: Decodable {
            let number: Int
            let x: Double
            let y: Double
            let attributes: [String]?
        }
        let label: String
        let seats: Layout.Row.Seats

        enum CodingKeys: String, CodingKey { case label, seats }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            label = try container.decode(String.self, forKey: .label)
            if let count = try? container.decode(Int.self, forKey: .seats) {
                seats = .count(count)
            } else {
                seats = .explicit(
                    try container.decode([SeatBody].self, forKey: .seats).map {
                        Layout.Seat(number: $0.number, x: $0.x, y: $0.y, attributes: $0.attributes ?? [])
                    })
            }
        }
    }
    let sections: [SectionBody]

    package func layout() throws -> Layout {
        Layout(
            sections: try sections.enumerated().map { index, section in
                switch section.kind {
                case "seated":
                    guard let rows = section.rows else {
                        throw APIError.unprocessable("a seated section needs rows", field: "layout.sections[\(index)].rows")
                    }
                    return .init(id: section.id, name: section.name, kind: .seated(rows: rows.map { Layout.Row(label: $0.label, seats: $0.seats) }))
                case "ga":
                    guard let capacity = section.capacity else {
                        throw APIError.unprocessable("a GA section needs a capacity", field: "layout.sections[\(index)].capacity")
                    }
                    return .init(id: section.id, name: section.name, kind: .ga(capacity: capacity))
                default:
                    throw APIError.unprocessable("a section's kind is seated or ga", field: "layout.sections[\(index)].kind")
                }
            })
    }
}
