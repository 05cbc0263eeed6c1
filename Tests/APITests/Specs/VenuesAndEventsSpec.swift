import Foundation
import Testing

/// What an organizer may create and change (API.md, "Venues" and "Events"), and the public
/// event list. From Tests/Integration/test_booking.py.
@Suite final class VenuesAndEventsSpec: OnSaleSpec {
    func createVenue(_ fields: [String: Any] = [:], as owner: Account? = nil, in app: TestApp? = nil) -> TestResponse {
        let body: [String: Any] = [
            "id": "v-" + UUID().uuidString.prefix(8).lowercased(), "name": "Hall", "timezone": "Europe/Paris",
            "layout": ["sections": [["id": "f", "name": "F", "kind": "ga", "capacity": 1]]],
        ]
        return (app ?? t).request("POST", "/api/venues", json: body.merging(fields) { $1 }, as: owner ?? organizer)
    }

    func createEvent(_ fields: [String: Any]) -> TestResponse {
        let body: [String: Any] = ["title": "Later", "startsAt": "2031-01-01T19:00:00Z", "currency": "EUR", "prices": ["stalls": 1, "floor": 1]]
        return t.request("POST", "/api/venues/\(show.venue)/events", json: body.merging(fields) { $1 }, as: organizer)
    }

    @Test func aVenueIdIsTakenOnce() {
        let again = createVenue(["id": show.venue])
        #expect(again.status == 409 && again.errorCode == "venue_exists", "\(again)")
    }

    @Test func aVenueNeedsASlugIdAndAnIANATimeZone() {
        let zone = createVenue(["timezone": "Mars/Olympus"])
        #expect(zone.status == 422, "\(zone)")
        let id = createVenue(["id": "Not A Slug"])
        #expect(id.status == 422 && id.errorCode == "invalid_venue_id", "\(id)")
    }

    @Test func anOrganizerCreatesVenuesUpToTheQuotaAndAnAdminBeyondIt() throws {
        let quota = try TestApp(environment: ["BOOKING_VENUE_QUOTA": "1"])
        let organizer = try quota.register(role: "organizer")
        #expect(createVenue(as: organizer, in: quota).status == 201)
        let over = createVenue(as: organizer, in: quota)
        #expect(over.status == 422 && over.errorCode == "venue_quota", "\(over)")
        let admin = try quota.admin()
        #expect(createVenue(as: admin, in: quota).status == 201 && createVenue(as: admin, in: quota).status == 201)
    }

    @Test func anEventStartsInTheFutureAndPricesEverySection() {
        #expect(createEvent(["startsAt": "2020-01-01T19:00:00Z"]).status == 422)
        #expect(createEvent(["prices": ["stalls": 1]]).status == 422)
        #expect(createEvent(["maxTicketsPerCustomer": 101]).status == 422)
        #expect(createEvent([:]).status == 201)
    }

    @Test func theOwnerChangesAnEventButNotIntoThePast() throws {
        let renamed = t.request("PATCH", show.path, json: ["title": "Renamed", "startsAt": "2030-07-01T19:00:00Z"], as: organizer)
        #expect(renamed.status == 200 && renamed["event", "title"] as? String == "Renamed", "\(renamed)")
        #expect(t.request("GET", show.path)["event", "startsAt"] as? String == "2030-07-01T19:00:00Z")
        let past = t.request("PATCH", show.path, json: ["startsAt": "2020-01-01T19:00:00Z"], as: organizer)
        #expect(past.status == 422, "\(past)")
        #expect(t.request("GET", show.path)["event", "startsAt"] as? String == "2030-07-01T19:00:00Z")
    }

    @Test func theEventPageCountsWhatIsLeftPerSection() throws {
        _ = try t.book(alice, show, seats: ["stalls-A-1"], ga: 1)
        _ = try t.hold(bob, show, seats: ["stalls-A-2"])
        let sections = try #require(t.request("GET", show.path)["event", "sections"] as? [[String: Any]])
        let available = Dictionary(uniqueKeysWithValues: sections.map { ($0["section"] as! String, $0["available"] as! Int) })
        #expect(available == ["stalls": 8, "floor": 2])
    }

    @Test func theEventListSearchesAndPages() throws {
        let tag = "gala" + UUID().uuidString.prefix(6).lowercased()
        let ids = try (0..<3).map { _ in try t.event(owner: organizer, venue: show.venue, fields: ["title": "Gala \(tag)"]) }
        let page = t.request("GET", "/api/events?q=\(tag)&limit=2")
        let cursor = try #require(page["nextCursor"] as? String)
        let rest = t.request("GET", "/api/events?q=\(tag)&limit=2&cursor=\(cursor)")
        #expect(rest["nextCursor"] is NSNull)
        let listed = ((page["events"] as? [[String: Any]] ?? []) + (rest["events"] as? [[String: Any]] ?? []))
        #expect(listed.compactMap { $0["id"] as? String }.sorted() == ids.sorted())
        #expect(listed.first?["minPrice"] as? Int == 2000 && listed.first?["available"] as? Int == 13)
        #expect(t.request("GET", "/api/events?limit=0").status == 400)
        #expect(t.request("GET", "/api/events?cursor=!!!").status == 400)
    }
}
