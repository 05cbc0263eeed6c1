import Auth
import Common
import FastCGIServer
import FoundationEssentials
import Runtime
import Storage

/// Events of a venue: create, change and cancel (its owner, admin), read and list (anyone),
/// the seat map with its ETag, and sales stats (owner, admin).
enum EventsController {
    struct CreateBody: Decodable {
        let title: String
        let description: String?
        let startsAt: Date
        let endsAt: Date?
        let currency: String
        let prices: [String: Int]
        let maxTicketsPerCustomer: Int?
        let salesStartAt: Date?
        let salesEndAt: Date?
        let queue: QueueSettingsView?
        let hiddenSections: [String]?
    }

    struct PatchBody: Decodable {
        let title: String?
        let description: String?
        let startsAt: Date?
        let endsAt: Date?
        let prices: [String: Int]?
        let maxTicketsPerCustomer: Int?
        /// Absent: unchanged; null: removed; an object: set.
        let queue: QueueSettingsView??
        let hiddenSections: [String]?

        enum CodingKeys: String, CodingKey {
            case title, description, startsAt, endsAt, prices, maxTicketsPerCustomer, queue, hiddenSections
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            startsAt = try container.decodeIfPresent(Date.self, forKey: .startsAt)
            endsAt = try container.decodeIfPresent(Date.self, forKey: .endsAt)
            prices = try container.decodeIfPresent([String: Int].self, forKey: .prices)
            maxTicketsPerCustomer = try container.decodeIfPresent(Int.self, forKey: .maxTicketsPerCustomer)
            hiddenSections = try container.decodeIfPresent([String].self, forKey: .hiddenSections)
            if !container.contains(.queue) {
                queue = .none
            } else if try container.decodeNil(forKey: .queue) {
                queue = .some(nil)
            } else {
                queue = .some(try container.decode(QueueSettingsView.self, forKey: .queue))
            }
        }
    }

    static func create(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store) = try ownedVenue(request, &context)
        let body = try request.decode(CreateBody.self)
        let now = context.services.now()
        guard Int(body.startsAt.timeIntervalSince1970) > now else {
            throw APIError.unprocessable("startsAt must be in the future", field: "startsAt")
        }
        var draft = EventDraft(
            title: body.title, description: body.description ?? "", startsAt: seconds(body.startsAt),
            endsAt: body.endsAt.map(seconds), currency: body.currency, prices: body.prices,
            maxPerCustomer: body.maxTicketsPerCustomer ?? 10, salesStartAt: body.salesStartAt.map(seconds),
            salesEndAt: body.salesEndAt.map(seconds), queue: body.queue?.settings)
        draft.hiddenSections = body.hiddenSections ?? []
        let event = try store.createEvent(id: Identifier.make("e_"), draft: draft, now: now)
        context.services.syncCatalog(id, store)
        return try .json(["event": try view(event, id: id, store: store, now: now)], status: .created)
    }

    /// The page of one event, served from this worker's cache while the event's tag holds.
    static func get(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store) = try context.venue()
        let eventID = context.parameter("eventId")
        let now = context.services.now()
        let tag = try eventTag(venue: id, eventID: eventID, store: store, now: now)
        let body = try cachedBody(\.eventPages, tag, context.caches) {
            let event = try store.event(eventID)
            return (try Response.json(["event": try view(event, id: id, store: store, now: now)]).body, event.version)
        }
        return Response(status: .ok, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    static func update(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store) = try ownedVenue(request, &context)
        let body = try request.decode(PatchBody.self)
        var patch = EventPatch()
        patch.title = body.title
        patch.description = body.description
        patch.startsAt = body.startsAt.map(seconds)
        patch.endsAt = body.endsAt.map(seconds)
        patch.prices = body.prices
        patch.maxPerCustomer = body.maxTicketsPerCustomer
        patch.hiddenSections = body.hiddenSections
        let now = context.services.now()
        if let startsAt = patch.startsAt, startsAt <= now { throw APIError.unprocessable("startsAt must be in the future", field: "startsAt") }
        patch.queue = body.queue.map { $0?.settings }
        let event = try store.updateEvent(context.parameter("eventId"), patch: patch, now: now)
        context.services.syncCatalog(id, store)
        return try .json(["event": try view(event, id: id, store: store, now: now)])
    }

    static func cancel(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store) = try ownedVenue(request, &context)
        let now = context.services.now()
        let event = try context.services.checkout.cancelEvent(context.parameter("eventId"), in: store)
        context.services.syncCatalog(id, store)
        return try .json(["event": try view(event, id: id, store: store, now: now)])
    }

    /// The event list: upcoming first, narrowed by search words and filters in one catalog
    /// query (see `listFilter`), a page at a time.
    static func list(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let page = try Page(request)
        let services = context.services
        let now = services.now()
        let filter = try listFilter(request, now: now)
        let after = try page.timeAndID()
        let entries = try services.catalog.events(filter, after: after, limit: page.limit + 1)
        let listed = entries.prefix(page.limit)
        // Places left come from the catalog (the notifier counts them each round); a venue is
        // asked only for events not yet counted, once for all of them on the page.
        var available: [String: Int] = [:]
        let uncounted = listed.filter { $0.status == .scheduled && $0.available == nil }
        for (venue, venueEntries) in Dictionary(grouping: uncounted, by: \.venueID) {
            guard let venueID = VenueID(venue), let store = try services.venues.store(venueID) else { continue }
            available.merge(try store.availablePlaces(eventIDs: venueEntries.map(\.eventID), now: now)) { $1 }
        }
        let events = listed.compactMap { entry -> EventSummaryView? in
            let left = entry.status == .scheduled ? entry.available ?? available[entry.eventID] ?? 0 : 0
            // The catalog let through events not yet counted; those the venue says are sold out
            // go here. The page may then be shorter, but the cursor is the last event read.
            if filter.availableOnly && left == 0 { return nil }
            return EventSummaryView(
                id: entry.eventID, venueId: entry.venueID, title: entry.title,
                startsAt: Date(timeIntervalSince1970: Double(entry.startsAt)), status: entry.status.rawValue,
                minPrice: entry.minPrice, currency: entry.currency, available: left, city: entry.city)
        }
        let last = entries.count > page.limit ? entries[page.limit - 1] : nil
        let body = HandWrittenJSON.events(events, nextCursor: last.map { Page.cursor(["\($0.startsAt)", $0.eventID]) })
        return Response.revalidated(json: body, for: request)
    }

    /// `?q=&venue=&city=&from=&to=&minPrice=&maxPrice=&available=` (API.md); `from` is now
    /// when not given. Each bad value is 400 `invalid_parameter`.
    static func listFilter(_ request: Request, now: Int) throws -> CatalogStore.EventFilter {
        var filter = CatalogStore.EventFilter()
        // Only white space is no search at all, like an empty q.
        filter.text = try request.textParameter("q").flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        filter.venueID = request.query["venue"].flatMap { $0.isEmpty ? nil : $0 }
        filter.city = try request.textParameter("city")
        filter.from = try request.timeParameter("from") ?? now
        filter.to = try request.timeParameter("to")
        filter.minPrice = try request.countParameter("minPrice")
        filter.maxPrice = try request.countParameter("maxPrice")
        if let minPrice = filter.minPrice, let maxPrice = filter.maxPrice, minPrice > maxPrice {
            throw RequestError.invalidParameter("minPrice must not be above maxPrice")
        }
        filter.availableOnly = try request.flagParameter("available") ?? false
        return filter
    }

    /// The seat map. Its ETag covers the event's version and the earliest live-hold expiry,
    /// so a cached map never shows an expired hold as held; a 304 costs one statement.
    static func seats(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (id, store) = try context.venue()
        let eventID = context.parameter("eventId")
        let now = context.services.now()
        let tag = try eventTag(venue: id, eventID: eventID, store: store, now: now)
        // If-None-Match compares weakly (RFC 9110): the gzip answer's tag is weak. The 304
        // names the tag that matched, the one of the answer the client holds (plain or gzip).
        if let sent = request.header("if-none-match"),
            let matched = sent.split(separator: ",").lazy.map(\.trimmingWhitespace)
                .first(where: { $0 == tag.etag || $0 == "W/" + tag.etag || $0 == "*" })
        {
            return Response(
                status: .notModified,
                headers: [
                    ("ETag", matched == "*" ? tag.etag : matched), ("Cache-Control", "no-cache"),
                    ("Vary", "Accept-Encoding"),
                ])
        }
        let body = try cachedBody(\.seatMaps, tag, context.caches) {
            let map = try store.seatMap(eventID: eventID, now: now)
            return (SeatMapEncoder.encode(map), map.version)
        }
        let headers = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache"), ("Vary", "Accept-Encoding")]
        // Compressed once per version here rather than by nginx on every request (~2 ms for
        // 5,000 seats); nginx leaves a body that has a Content-Encoding alone. The tag is weak,
        // as nginx makes it when it compresses: the bytes differ from the plain body's.
        if request.acceptsGzip, let gzipped = context.caches.seatMaps.gzippedBody(for: tag.key, etag: tag.etag) {
            return Response(status: .ok, headers: headers + [("Content-Encoding", "gzip"), ("ETag", "W/" + tag.etag)], body: gzipped)
        }
        return Response(status: .ok, headers: headers + [("ETag", tag.etag)], body: body)
    }

    static func stats(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try ownedVenue(request, &context)
        let stats = try store.stats(eventID: context.parameter("eventId"), now: context.services.now())
        struct Body: Encodable { let sold, held, available, revenue, checkedIn: Int }
        return try .json(Body(sold: stats.sold, held: stats.held, available: stats.available, revenue: stats.revenue, checkedIn: stats.checkedIn))
    }

    // MARK: Helpers

    /// An event's tag: its version and the earliest expiry of a live hold, which every change
    /// of its page or seat map moves. The ETag of the seat map and the key of both caches.
    struct EventTag {
        let key: String
        let etag: String
        let version: Int
    }

    static func eventTag(venue id: VenueID, eventID: String, store: VenueStore, now: Int) throws -> EventTag {
        guard let tag = try store.seatMapTag(eventID: eventID, now: now) else { throw APIError.notFound("event") }
        return EventTag(key: "\(id.value)/\(eventID)", etag: "\"\(tag.version)-\(tag.nextExpiry ?? 0)\"", version: tag.version)
    }

    /// The body cached under `tag`, else the one `build` makes (with the event version it
    /// read), cached only if built from the tagged version: a commit may have come between.
    static func cachedBody(
        _ cache: ReferenceWritableKeyPath<ResponseCaches, ResponseCache>, _ tag: EventTag, _ caches: ResponseCaches,
        build: () throws -> (body: [UInt8], version: Int)
    ) throws -> [UInt8] {
        if let cached = caches[keyPath: cache].body(for: tag.key, etag: tag.etag) { return cached }
        let built = try build()
        if built.version == tag.version { caches[keyPath: cache].store(built.body, for: tag.key, etag: tag.etag) }
        return built.body
    }

    /// The venue of the path if the caller owns it (or is an admin): 401, 403 or 404 otherwise.
    static func ownedVenue(_ request: Request, _ context: inout RequestContext) throws -> (VenueID, VenueStore) {
        let user = try context.requireUser(request)
        let (id, store) = try context.venue()
        let ownerID = try store.venue().ownerID
        guard user.role == .admin || (user.role == .organizer && ownerID == user.id) else {
            throw APIError.forbidden("only the venue's organizer may do this")
        }
        return (id, store)
    }

    static func view(_ event: EventRecord, id: VenueID, store: VenueStore, now: Int) throws -> EventView {
        EventView(
            event, venueID: id.value, timezone: try store.venue().timezone,
            availability: try store.availability(eventID: event.id, now: now), sections: try store.sections(),
            queue: try store.queue(event.id)?.settings)
    }

    static func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
}
