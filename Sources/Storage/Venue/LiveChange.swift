/// What one committed transaction changed in one event's seat map: the new version (one more
/// than before) and the current state of every seat and GA section it touched. Published
/// to live subscribers after the commit.
public struct LiveChange: Sendable, Equatable {
    public let eventID: String
    public let version: Int
    public let seats: [SeatState]
    public let ga: [GAState]

    public init(eventID: String, version: Int, seats: [SeatState], ga: [GAState]) {
        self.eventID = eventID
        self.version = version
        self.seats = seats
        self.ga = ga
    }

    public struct SeatState: Sendable, Equatable {
        public let id: String
        public let state: SeatMap.State
        public init(id: String, state: SeatMap.State) {
            self.id = id
            self.state = state
        }
    }

    public struct GAState: Sendable, Equatable {
        public let section: String
        public let available: Int
        public init(section: String, available: Int) {
            self.section = section
            self.available = available
        }
    }
}

/// Seats and sections touched by the transaction in progress, per event.
struct PendingChanges {
    var seats: [String: Set<String>] = [:]
    var sections: [String: Set<String>] = [:]
    var order: [String] = []

    mutating func touch(_ eventID: String, seats newSeats: [String], ga: [String]) {
        if seats[eventID] == nil && sections[eventID] == nil { order.append(eventID) }
        seats[eventID, default: []].formUnion(newSeats)
        sections[eventID, default: []].formUnion(ga)
    }
}
