import FoundationEssentials
import Glibc
import Storage

/// One empty file per on-sale queue in force, `<directory>/<venue>/<event>`, kept by the
/// notifier: nginx refuses a hold without a `Queue-Pass` header for an event whose marker
/// exists (deploy/nginx.conf), so the flood of pass-less requests at an on-sale never
/// reaches the pool. The pool checks every hold anyway, so a missing marker costs only
/// speed; a marker must never outlive its queue, so anything unsure is removed.
package final class QueueMarkers {
    package let directory: String
    /// The markers this process wrote (or found at start); nil until the first sync.
    private var present: Set<String>?
    /// Markers that could not be made, each reported once.
    private var reported: Set<String> = []

    package init(directory: String) {
        self.directory = directory
    }

    /// Makes the markers exactly `inForce` (`venue/event` keys): creates the missing ones and
    /// removes every other, including those a previous notifier left. Answers the markers
    /// that could not be made, with why, each once.
    @discardableResult
    package func sync(_ inForce: Set<String>) -> [String] {
        let before = present ?? existing()
        for key in before.subtracting(inForce) {
            unlink(directory + "/" + key)
        }
        var now = before.intersection(inForce)
        var failures: [String] = []
        for key in inForce.subtracting(before) {
            if create(key) {
                now.insert(key)
            } else if reported.insert(key).inserted {
                failures.append("\(directory)/\(key): \(String(cString: strerror(errno)))")
            }
        }
        present = now
        return failures
    }

    package static func key(venue: VenueID, eventID: String) -> String { venue.value + "/" + eventID }

    private func create(_ key: String) -> Bool {
        let venueDirectory = directory + "/" + key.prefix { $0 != "/" }
        if mkdir(directory, 0o750) != 0 && errno != EEXIST { return false }
        if mkdir(venueDirectory, 0o750) != 0 && errno != EEXIST { return false }
        let fd = open(directory + "/" + key, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    private func existing() -> Set<String> {
        let files = FileManager.default
        var keys = Set<String>()
        for venue in (try? files.contentsOfDirectory(atPath: directory)) ?? [] {
            for event in (try? files.contentsOfDirectory(atPath: directory + "/" + venue)) ?? [] {
                keys.insert(venue + "/" + event)
            }
        }
        return keys
    }
}
