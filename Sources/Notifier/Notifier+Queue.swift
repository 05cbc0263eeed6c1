import Booking
import Runtime
import Storage

extension Notifier {
    /// One admission round of every open queue of the venue: the draw at the sales start,
    /// then "now serving" moves on at the set rate (DESIGN.md, "On-sale: the waiting room").
    /// Each queue is its own transaction, so one failing queue does not hold up the others.
    /// Where a queue stands goes out live when it changed (joins change its length).
    /// Answers the queues that are in force after the round (holds need a pass), as
    /// `QueueMarkers` keys.
    func advanceQueues(_ store: VenueStore, venue: VenueID, now: Int) throws -> Set<String> {
        let room = try services.waitingRoom()
        var inForce = Set<String>()
        for eventID in try store.queuedEventIDs(now: now) {
            do {
                guard let (queue, changed) = try store.advanceQueue(eventID, now: now, rules: room.step) else { continue }
                if changed {
                    log.info(
                        "queue advanced",
                        ["venue": venue.value, "event": eventID, "nowServing": "\(queue.nowServing)", "soldOut": "\(queue.soldOut)"])
                }
                let state = room.state(queue, event: try store.event(eventID), now: now)
                let status = QueueBroadcast.Status(nowServing: queue.nowServing, length: try store.queueLength(eventID), state: state.rawValue)
                if queueBroadcast.changed(venue: venue, eventID: eventID, to: status) {
                    services.livePublisher?.publishQueue(
                        venue: venue, eventID: eventID, nowServing: status.nowServing, length: status.length, state: status.state)
                }
                if state.holdsNeedPass {
                    inForce.insert(QueueMarkers.key(venue: venue, eventID: eventID))
                }
            } catch {
                log.error("queue round failed", ["venue": venue.value, "event": eventID, "error": "\(error)"])
            }
        }
        return inForce
    }
}

/// What the notifier last published for each queue, so that only changes go out to the
/// (possibly many thousand) subscribers of a queue's channel.
final class QueueBroadcast {
    struct Status: Equatable {
        let nowServing: Int
        let length: Int
        let state: String
    }

    private var last: [String: Status] = [:]

    /// Records `status` and answers whether it differs from what was last published.
    func changed(venue: VenueID, eventID: String, to status: Status) -> Bool {
        let key = venue.value + "/" + eventID
        guard last[key] != status else { return false }
        last[key] = status
        return true
    }
}
