import Foundation
import TestSupport
import Testing

@testable import Runtime

@Suite("The markers nginx checks for on-sale queues in force")
struct QueueMarkersTests {
    let directory = TemporaryDirectory()

    func markers() -> Set<String> {
        let files = FileManager.default
        var found = Set<String>()
        for venue in (try? files.contentsOfDirectory(atPath: directory.file("queues"))) ?? [] {
            for event in (try? files.contentsOfDirectory(atPath: directory.file("queues/" + venue))) ?? [] {
                found.insert(venue + "/" + event)
            }
        }
        return found
    }

    @Test func theMarkersAreExactlyTheQueuesInForce() {
        let queues = QueueMarkers(directory: directory.file("queues"))
        #expect(queues.sync(["hall/e_a", "hall/e_b", "club/e_c"]).isEmpty)
        #expect(markers() == ["hall/e_a", "hall/e_b", "club/e_c"])
        queues.sync(["hall/e_b", "club/e_d"])
        #expect(markers() == ["hall/e_b", "club/e_d"])
        queues.sync([])
        #expect(markers().isEmpty)
    }

    @Test func markersLeftByAnEarlierNotifierAreRemoved() throws {
        try FileManager.default.createDirectory(atPath: directory.file("queues/hall"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory.file("queues/hall/e_old"), contents: nil)
        QueueMarkers(directory: directory.file("queues")).sync(["hall/e_new"])
        #expect(markers() == ["hall/e_new"])
    }

    @Test func aMarkerThatCannotBeMadeIsReportedOnce() throws {
        FileManager.default.createFile(atPath: directory.file("queues"), contents: nil)  // a file where the directory should be
        let queues = QueueMarkers(directory: directory.file("queues"))
        let failures = queues.sync(["hall/e_a"])
        #expect(failures.count == 1 && failures[0].contains("hall/e_a"))
        #expect(queues.sync(["hall/e_a"]).isEmpty)
    }

    @Test func theDirectoryMustBeAbsolute() throws {
        #expect(try Configuration(environment: ["BOOKING_QUEUE_MARKERS": "/run/booking-queues"]).queueMarkers == "/run/booking-queues")
        #expect(try Configuration(environment: [:]).queueMarkers == nil)
        for bad in ["run/queues", "/run/../etc"] {
            #expect(throws: ConfigurationError.self) { try Configuration(environment: ["BOOKING_QUEUE_MARKERS": bad]) }
        }
    }
}
