import Testing

@testable import Storage

@Suite("Searching the catalog by title")
struct CatalogSearchTests {
    @Test(arguments: [
        ("Jazz", "Jazz"),
        ("100% jazz", "100\\% jazz"),
        ("a_b\\c", "a\\_b\\\\c"),
        // A combining mark makes "%\u{301}" one character, but SQLite still sees the "%".
        ("50%\u{301}", "50\\%\u{301}"),
        ("_\u{301}", "\\_\u{301}"),
    ])
    func wildcardsInTheQueryAreTakenLiterally(query: String, pattern: String) {
        #expect(CatalogStore.escapingLikeWildcards(query) == pattern)
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
            try catalog.events(query: nil, venueID: "hall", from: nil, to: nil, after: nil, limit: 10).first { $0.eventID == venue.eventID }?
                .available
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
