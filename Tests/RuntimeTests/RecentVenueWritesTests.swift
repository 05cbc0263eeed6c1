import Common
import Foundation
import Storage
import Testing

@testable import Runtime

@Suite("Venues with recent bookings, shared by the pool")
struct RecentVenueWritesTests {
    @Test func aRecordedVenueIsListedUntilItIsOlderThanAsked() throws {
        let recent = try RecentVenueWrites(path: nil)
        recent.record(VenueID("grand-theatre")!, at: 1_000)
        recent.record(VenueID("blue-note")!, at: 1_050)
        #expect(Set(recent.venues(since: 1_000).map(\.value)) == ["grand-theatre", "blue-note"])
        #expect(recent.venues(since: 1_001).map(\.value) == ["blue-note"])
        #expect(recent.venues(since: 1_051).isEmpty)
    }

    @Test func aVenueKeepsOneSlotWhateverItsNumberOfBookings() throws {
        let recent = try RecentVenueWrites(path: nil)
        for time in 0..<1_000 { recent.record(VenueID("arena")!, at: time) }
        #expect(recent.venues(since: 0).map(\.value) == ["arena"])
        #expect(recent.venues(since: 999).map(\.value) == ["arena"])
    }

    @Test func manyVenuesAtOnceAreAllKept() throws {
        let recent = try RecentVenueWrites(path: nil)
        let venues = (0..<120).map { "venue-\($0)" }
        for (time, venue) in venues.enumerated() { recent.record(VenueID(venue)!, at: time) }
        #expect(Set(recent.venues(since: 0).map(\.value)) == Set(venues))
    }

    @Test func aNewVenueTakesTheSlotNotedLongestAgo() throws {
        let recent = try RecentVenueWrites(path: nil)
        for time in 0..<1_000 { recent.record(VenueID("venue-\(time)")!, at: time) }
        let kept = Set(recent.venues(since: 900).map(\.value))
        #expect((900..<1_000).allSatisfy { kept.contains("venue-\($0)") }, "the last hundred venues are all there")
    }

    @Test func processesMappingTheSameFileSeeEachOthersWrites() throws {
        let path = NSTemporaryDirectory() + "recent-\(UUID().uuidString)"
        try RecentVenueWrites.createFile(path: path)
        defer { unlink(path) }
        let writer = try RecentVenueWrites(path: path)
        let reader = try RecentVenueWrites(path: path)
        writer.record(VenueID("city-arena")!, at: 42)
        #expect(reader.venues(since: 0).map(\.value) == ["city-arena"])
    }

    @Test func aLongestVenueIdSurvivesTheRoundTrip() throws {
        let recent = try RecentVenueWrites(path: nil)
        let id = String(repeating: "a", count: 63)
        recent.record(VenueID(id)!, at: 7)
        #expect(recent.venues(since: 0).map(\.value) == [id])
    }
}
