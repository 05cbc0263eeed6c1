import Booking
import Storage

extension Notifier {
    /// One admission round of every open queue of the venue: the draw at the sales start,
    /// then "now serving" moves on at the set rate (DESIGN.md, "On-sale: the waiting room").
    /// Each queue is its own transaction, so one failing queue does not hold up the others.
    func advanceQueues(_ store: VenueStore, venue: VenueID, now: Int) throws {
        let room = try services.waitingRoom()
        for eventID in try store.queuedEventIDs(now: now) {
            do {
                guard let (queue, changed) = try store.advanceQueue(eventID, now: now, rules: room.step) else { continue }
                if changed {
                    log.info(
                        "queue advanced",
                        ["venue": venue.value, "event": eventID, "nowServing": "\(queue.nowServing)", "soldOut": "\(queue.soldOut)"])
                }
            } catch {
                log.error("queue round failed", ["venue": venue.value, "event": eventID, "error": "\(error)"])
            }
        }
    }
}
