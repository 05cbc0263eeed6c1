import Auth
import Booking
import FastCGIServer
import Storage

/// The on-sale queue of an event (DESIGN.md, "On-sale: the waiting room"): anyone reads
/// where it stands, customers join with a proof of work, the organizer pauses, resumes and
/// sets the rate. The rules are the waiting room's; this maps requests onto them.
enum QueueController {
    struct JoinBody: Decodable {
        let nonce: String
    }

    struct ControlBody: Decodable {
        let admitPerMinute: Int?
        let paused: Bool?
    }

    static func get(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try context.venue()
        let eventID = context.parameter("eventId")
        let room = try context.services.waitingRoom()
        let now = context.services.now()
        let (queue, event) = try queueAndEvent(store, eventID)
        struct Body: Encodable {
            let queue: QueueView
            let challenge: ChallengeView
            let entry: QueueEntryView?
        }
        let entry = try context.user(request).flatMap { user in try store.queueEntry(eventID, customerID: user.id) }
        return try .json(
            Body(
                queue: try view(queue, event: event, room: room, store: store, now: now),
                challenge: ChallengeView(value: room.challenge(eventID: eventID, now: now), difficulty: room.difficulty),
                entry: entry.map { view($0, eventID: eventID, room: room, now: now) }))
    }

    static func join(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let user = try context.requireRole(request, .customer)
        let (_, store) = try context.venue()
        let eventID = context.parameter("eventId")
        let body = try request.decode(JoinBody.self)
        let room = try context.services.waitingRoom()
        let now = context.services.now()
        // Whether it is open, then the proof, before the write: a refused join costs the
        // server a read and a hash, not the venue's lock. A second join answers the place.
        if try store.queueEntry(eventID, customerID: user.id) == nil {
            let (queue, event) = try queueAndEvent(store, eventID)
            try room.checkJoin(queue, event: event, now: now)
            try room.checkProof(nonce: body.nonce, eventID: eventID, account: user.id, now: now)
        }
        let (entry, created) = try store.joinQueue(eventID, customerID: user.id, now: now) { queue, event in
            try room.checkJoin(queue, event: event, now: now)
        }
        return try .json(["entry": view(entry, eventID: eventID, room: room, now: now)], status: created ? .created : .ok)
    }

    static func control(_ request: Request, _ context: inout RequestContext) throws -> Response {
        let (_, store) = try EventsController.ownedVenue(request, &context)
        let eventID = context.parameter("eventId")
        let body = try request.decode(ControlBody.self)
        let room = try context.services.waitingRoom()
        let now = context.services.now()
        _ = try queueAndEvent(store, eventID)
        try store.controlQueue(eventID, paused: body.paused, admitPerMinute: body.admitPerMinute, now: now)
        let (queue, event) = try queueAndEvent(store, eventID)
        return try .json(["queue": try view(queue, event: event, room: room, store: store, now: now)])
    }

    /// The event and its queue: 404 for an unknown event and for one without a queue.
    private static func queueAndEvent(_ store: VenueStore, _ eventID: String) throws -> (QueueRecord, EventRecord) {
        guard let queue = try store.queue(eventID) else { throw APIError.notFound("queue") }
        return (queue, try store.event(eventID))
    }

    private static func view(_ queue: QueueRecord, event: EventRecord, room: WaitingRoom, store: VenueStore, now: Int) throws -> QueueView {
        QueueView(queue, event: event, state: room.state(queue, event: event, now: now), length: try store.queueLength(queue.eventID))
    }

    private static func view(_ entry: QueueEntryRecord, eventID: String, room: WaitingRoom, now: Int) -> QueueEntryView {
        QueueEntryView(entry, state: room.entryState(entry, now: now), pass: room.pass(for: entry, eventID: eventID, now: now))
    }
}
