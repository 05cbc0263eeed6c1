import TestSupport
import Testing

@testable import SQLite
@testable import Storage

/// The catalog over the fixture's hall in Lyon ("Show", 20.00 to 45.00 EUR) and a second
/// venue, the Tonhalle in Zürich, with a symphony described as an evening of Beethoven.
private struct SearchFixture {
    let venue: VenueFixture
    let catalog: CatalogStore
    let tonhalle: VenueStore
    let symphony: String

    init() throws {
        venue = try VenueFixture()
        let now = venue.now
        tonhalle = try venue.venues.create(VenueID("tonhalle")!) { store in
            try store.initialise(
                id: VenueID("tonhalle")!, name: "Tonhalle", city: "Zürich", timezone: "Europe/Zurich", ownerID: "u_owner",
                layout: Layout(sections: [.init(id: "floor", name: "Floor", kind: .ga(capacity: 100))]), now: now)
        }
        symphony = try tonhalle.createEvent(
            id: "e_symphony",
            draft: EventDraft(
                title: "Symphony No. 5", description: "An evening of Beethoven", startsAt: now + 2 * 86400, currency: "CHF",
                prices: ["floor": 9000]),
            now: now
        ).id
        catalog = try CatalogStore(path: venue.directory.file("catalog.sqlite"))
        try catalog.sync(VenueID("hall")!, store: venue.store)
        try catalog.sync(VenueID("tonhalle")!, store: tonhalle)
    }

    func found(_ filter: CatalogStore.EventFilter) throws -> [String] {
        try catalog.events(filter, after: nil, limit: 10).map(\.eventID)
    }

    func search(_ text: String) throws -> [String] { try found(.init(text: text)) }
}

@Suite("Searching the catalog")
struct CatalogSearchTests {
    @Test(arguments: [
        "\"", "*", "NEAR(", "NEAR(a b)", "AND", "OR NOT", "-", "-show", "\"unbalanced", "show\"", "a\"b\"c", "title:show",
        "^show", "(show", "show)", "{title}: show", "show*", "\u{0}", "show\u{0}x", String(repeating: "!@#$%^&*()[]{};:'\",.<>/?\\|`~-_=+", count: 6),
        String(repeating: "\"", count: 200), "   ", "😀", "e\u{301}",
    ])
    func hostileSearchTextIsNeverASyntaxError(text: String) throws {
        let search = try SearchFixture()
        _ = try search.search(text)
    }

    @Test func wordsAreQuotedStringsAndTheLastOneAPrefix() {
        #expect(FullTextQuery.expression("sym") == #""sym"*"#)
        #expect(FullTextQuery.expression("  jazz   night ") == #""jazz" "night"*"#)
        #expect(FullTextQuery.expression(#"say "hi""#) == #""say" """hi"""*"#)
        #expect(FullTextQuery.expression("NEAR( AND show") == #""NEAR(" "AND" "show"*"#)
        #expect(FullTextQuery.expression("show\u{0}x") == #""show" "x"*"#, "a NUL would end the string early")
    }

    @Test(arguments: ["\"", "*", "-", "(", String(repeating: "!?", count: 100), "*** ---"])
    func textWithoutAWordFindsNothing(text: String) throws {
        #expect(FullTextQuery.expression(text) == nil)
        #expect(try SearchFixture().search(text) == [])
    }

    @Test func operatorsAreSearchedAsWords() throws {
        let search = try SearchFixture()
        // Unquoted, "show OR symphony" would find both and "NOT" would be an error.
        #expect(try search.search("show OR symphony") == [])
        #expect(try search.search("NOT show") == [])
        #expect(try search.search("-show") == ["e_1"])
    }

    @Test func findsByTitleDescriptionVenueAndCity() throws {
        let search = try SearchFixture()
        #expect(try search.search("show") == ["e_1"])
        #expect(try search.search("beethoven") == [search.symphony])
        #expect(try search.search("Tonhalle") == [search.symphony])
        #expect(try search.search("lyon") == ["e_1"])
        #expect(try search.search("evening tonhalle") == [search.symphony], "every word must match, in any column")
        #expect(try search.search("evening lyon") == [])
    }

    @Test func accentsAndCaseDoNotMatter() throws {
        let search = try SearchFixture()
        #expect(try search.search("zurich") == [search.symphony])
        #expect(try search.search("ZÜRICH") == [search.symphony])
        // "u" and a combining diaeresis, as some keyboards send it.
        #expect(try search.search("Zu\u{308}rich") == [search.symphony])
    }

    @Test func theLastWordIsAPrefixAsTheUserTypes() throws {
        let search = try SearchFixture()
        #expect(try search.search("sym") == [search.symphony])
        #expect(try search.search("evening of beeth") == [search.symphony])
        #expect(try search.search("sym evening") == [], "only the last word is a prefix")
    }

    @Test func aChangedEventIsSearchedByItsNewText() throws {
        let search = try SearchFixture()
        var patch = EventPatch()
        patch.description = "Mahler instead"
        _ = try search.tonhalle.updateEvent(search.symphony, patch: patch, now: search.venue.now)
        try search.catalog.sync(VenueID("tonhalle")!, store: search.tonhalle)
        #expect(try search.search("mahler") == [search.symphony])
        #expect(try search.search("beethoven") == [])
    }

    @Test func filtersCombineWithTheSearch() throws {
        let search = try SearchFixture()
        #expect(try search.found(.init(city: "ZÜRICH")) == [search.symphony], "the city without case, Unicode too")
        #expect(try search.found(.init(city: "Zur")) == [], "the whole city, not a part")
        // The hall's prices run from 20.00 to 45.00, the symphony's is 90.00.
        #expect(try search.found(.init(maxPrice: 2000)) == ["e_1"])
        #expect(try search.found(.init(maxPrice: 1999)) == [])
        #expect(try search.found(.init(minPrice: 4500)) == ["e_1", search.symphony])
        #expect(try search.found(.init(minPrice: 4501)) == [search.symphony])
        #expect(try search.found(.init(minPrice: 3000, maxPrice: 3000)) == ["e_1"], "a range that overlaps the event's")
        #expect(try search.found(.init(text: "show", city: "lyon", maxPrice: 9000)) == ["e_1"])
        #expect(try search.found(.init(text: "beethoven", city: "lyon")) == [])
        #expect(try search.found(.init(venueID: "tonhalle", maxPrice: 2000)) == [])
        #expect(try search.found(.init(from: search.venue.now + 86400 + 1)) == [search.symphony])
        #expect(try search.found(.init(to: search.venue.now + 86400 + 1)) == ["e_1"])
    }

    @Test func onlyEventsWithPlacesLeftWhenAsked() throws {
        let search = try SearchFixture()
        try search.catalog.syncAvailability(VenueID("hall")!, store: search.venue.store, now: search.venue.now)
        #expect(try search.found(.init(availableOnly: true)) == ["e_1", search.symphony], "the symphony is not counted yet: it passes")
        // Every place of the hall's show held: none left.
        try search.venue.hold("alice", seats: (1...5).map { "stalls-A-\($0)" } + (1...5).map { "stalls-B-\($0)" })
        try search.venue.hold("bob", ga: [GAQuantity(sectionID: "floor", quantity: 3)])
        try search.catalog.syncAvailability(VenueID("hall")!, store: search.venue.store, now: search.venue.now)
        #expect(try search.found(.init(availableOnly: true)) == [search.symphony])
        #expect(try search.found(.init(city: "Lyon", availableOnly: true)) == [])
        #expect(try search.found(.init(city: "Lyon")) == ["e_1"], "listed without the filter")
    }

    @Test func listedEventsCarryTheirVenuesCity() throws {
        let search = try SearchFixture()
        let cities = try search.catalog.events(CatalogStore.EventFilter(), after: nil, limit: 10).map(\.city)
        #expect(cities == ["Lyon", "Zürich"])
    }

    @Test func aCatalogOfVersion2IsSearchedByDescriptionAfterTheUpgrade() throws {
        let venue = try VenueFixture()
        var patch = EventPatch()
        patch.description = "Puppets and strings"
        _ = try venue.store.updateEvent(venue.eventID, patch: patch, now: venue.now)
        let path = venue.directory.file("catalog.sqlite")
        // A catalog as the program of version 2 left it: up to date with the hall, no descriptions.
        do {
            let database = try Database(path: path, create: true, synchronous: .normal)
            try Migrations(Array(CatalogStore.migrations.steps.prefix(2))).apply(to: database)
            let last = try venue.store.outbox(after: 0, limit: 500).last!.id
            try database.write { connection in
                try connection.execute(
                    """
                    INSERT INTO venue_index VALUES ('hall', 'Hall', 'Lyon', 'u_owner', 1);
                    INSERT INTO event_index (event_id, venue_id, title, starts_at, status, min_price, currency, available, counted_version)
                    VALUES ('e_1', 'hall', 'Show', \(venue.now + 86400), 'scheduled', 2000, 'EUR', 13, 1);
                    INSERT INTO venue_mark VALUES ('hall', \(last));
                    """)
            }
        }
        let catalog = try CatalogStore(path: path)
        func search(_ text: String) throws -> [String] {
            try catalog.events(.init(text: text), after: nil, limit: 10).map(\.eventID)
        }
        #expect(try search("show lyon") == ["e_1"], "the migration indexes what the catalog had")
        #expect(try search("puppets") == [], "the description is in the venue file only")
        try catalog.sync(VenueID("hall")!, store: venue.store)
        #expect(try search("puppets") == ["e_1"], "the next sync reads the venue whole")
        #expect(try catalog.events(.init(minPrice: 4500), after: nil, limit: 10).map(\.eventID) == ["e_1"], "with its top price")
        #expect(try catalog.events(CatalogStore.EventFilter(), after: nil, limit: 10).first?.available == 13, "the count is kept")
    }

    @Test func aRebuildIndexesEveryEventAgain() throws {
        let search = try SearchFixture()
        try search.catalog.rebuild(from: search.venue.venues)
        #expect(try search.search("beethoven") == [search.symphony])
        #expect(try search.search("show") == ["e_1"])
        #expect(try search.catalog.events(CatalogStore.EventFilter(), after: nil, limit: 10).count == 2)
    }
}

@Suite("Places left in the catalog")
struct CatalogAvailabilityTests {
    @Test func theNotifiersCountFollowsTheEventsVersion() throws {
        let venue = try VenueFixture()
        let catalog = try CatalogStore(path: venue.directory.file("catalog.sqlite"))
        let hall = VenueID("hall")!
        try catalog.sync(hall, store: venue.store)
        func listed() throws -> Int? {
            try catalog.events(.init(venueID: "hall"), after: nil, limit: 10).first { $0.eventID == venue.eventID }?.available
        }
        #expect(try listed() == nil, "not counted yet: the list asks the venue")
        try catalog.syncAvailability(hall, store: venue.store, now: venue.now)
        #expect(try listed() == 13)
        _ = try venue.hold("alice", seats: ["stalls-A-1", "stalls-A-2"])
        #expect(try listed() == 13, "a round behind until the notifier counts again")
        try catalog.syncAvailability(hall, store: venue.store, now: venue.now)
        #expect(try listed() == 11)
        // A hold past its expiry is swept, which moves the version: counted free again.
        try venue.store.sweepExpiredHolds(now: venue.now + VenueFixture.ttl + 1)
        try catalog.syncAvailability(hall, store: venue.store, now: venue.now + VenueFixture.ttl + 1)
        #expect(try listed() == 13)
    }
}
