import Booking
import FoundationEssentials
import Storage

/// An optional that is written as `null` rather than left out, where the contract names
/// the field either way (`queue: {...} | null`, `position: null`).
struct Nullable<Wrapped: Encodable>: Encodable {
    let value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// An event's queue settings, as the organizer set them.
struct QueueSettingsView: Codable {
    let opensAt: Date
    let admitPerMinute: Int
    let passMinutes: Int

    init(_ settings: QueueSettings) {
        opensAt = Date(timeIntervalSince1970: TimeInterval(settings.opensAt))
        admitPerMinute = settings.admitPerMinute
        passMinutes = settings.passMinutes
    }

    var settings: QueueSettings {
        QueueSettings(opensAt: Int(opensAt.timeIntervalSince1970.rounded(.down)), admitPerMinute: admitPerMinute, passMinutes: passMinutes)
    }
}

/// Where a queue stands, as everyone may see it.
struct QueueView: Encodable {
    let opensAt: Date
    let salesStartAt: Nullable<Date>
    let state: String
    let nowServing: Int
    let length: Int
    let admitPerMinute: Int
    let passMinutes: Int
    let paused: Bool

    init(_ queue: QueueRecord, event: EventRecord, state: WaitingRoom.State, length: Int) {
        opensAt = Date(timeIntervalSince1970: TimeInterval(queue.settings.opensAt))
        salesStartAt = Nullable(event.salesStartAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        self.state = state.rawValue
        nowServing = queue.nowServing
        self.length = length
        admitPerMinute = queue.settings.admitPerMinute
        passMinutes = queue.settings.passMinutes
        paused = queue.paused
    }
}

/// One buyer's place: the pass is there while it runs.
struct QueueEntryView: Encodable {
    let position: Nullable<Int>
    let state: String
    let pass: String?
    let passExpiresAt: Date?

    init(_ entry: QueueEntryRecord, state: WaitingRoom.EntryState, pass: String?) {
        position = Nullable(entry.position)
        self.state = state.rawValue
        self.pass = pass
        passExpiresAt = pass == nil ? nil : entry.passExpiresAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}

/// The proof of work a join needs.
struct ChallengeView: Encodable {
    let value: String
    let difficulty: Int
}
