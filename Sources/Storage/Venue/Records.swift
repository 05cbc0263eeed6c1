/// Plain values read from and written to a venue file. Times are Unix seconds; money is in
/// minor units of the event's currency.

public struct VenueRecord: Sendable, Equatable {
    public let id: String
    public let name: String
    public let city: String?
    public let timezone: String
    public let ownerID: String
    public let createdAt: Int
}

public struct SectionRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case seated, ga }
    public let id: String
    public let name: String
    public let kind: Kind
    /// Seats in a seated section; places in a GA section.
    public let capacity: Int
}

public struct SeatRecord: Sendable, Equatable {
    public let id: String
    public let sectionID: String
    public let row: String
    public let number: Int
    public let x: Double
    public let y: Double
}

public struct EventRecord: Sendable, Equatable {
    public let id: String
    public let title: String
    public let description: String
    public let startsAt: Int
    public let endsAt: Int?
    public let currency: String
    public let salesStartAt: Int?
    public let salesEndAt: Int?
    public let maxPerCustomer: Int
    public let status: String
    public let version: Int
    public let createdAt: Int
    /// Price per section id.
    public let prices: [String: Int]
}

/// Seats and GA places of one section that are free right now.
public struct SectionAvailability: Sendable, Equatable {
    public let sectionID: String
    public let capacity: Int
    public let available: Int
}

public struct GAQuantity: Sendable, Equatable, Hashable {
    public let sectionID: String
    public let quantity: Int
    public init(sectionID: String, quantity: Int) {
        self.sectionID = sectionID
        self.quantity = quantity
    }
}

public struct HoldRecord: Sendable, Equatable {
    public let id: String
    public let eventID: String
    public let customerID: String
    public let state: String
    public let seats: [String]
    public let ga: [GAQuantity]
    public let total: Int
    public let currency: String
    public let createdAt: Int
    public let expiresAt: Int
}

public struct TicketRecord: Sendable, Equatable {
    public let code: String
    public let bookingID: String
    public let eventID: String
    public let sectionID: String
    public let seatID: String?
    public let price: Int
    public let checkedInAt: Int?
}

public struct BookingRecord: Sendable, Equatable {
    public let id: String
    public let eventID: String
    public let customerID: String
    public let status: String
    public let total: Int
    public let currency: String
    public let createdAt: Int
    public let cancelledAt: Int?
    public let tickets: [TicketRecord]
}

public struct SeatMap: Sendable {
    public enum State: String, Sendable { case available, held, sold }
    public struct Seat: Sendable {
        public let seat: SeatRecord
        public let price: Int
        public let state: State
    }
    public struct GA: Sendable {
        public let sectionID: String
        public let capacity: Int
        public let available: Int
        public let price: Int
    }
    public let version: Int
    public let seats: [Seat]
    public let ga: [GA]
}

public struct EventStats: Sendable, Equatable {
    public let sold: Int
    public let held: Int
    public let available: Int
    public let revenue: Int
    public let checkedIn: Int
}
