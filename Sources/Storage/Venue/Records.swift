internal import SQLite

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
    public let attributes: SeatAttributes
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
    public let status: EventStatus
    public let version: Int
    public let createdAt: Int
    /// Price per section id.
    public let prices: [String: Int]
    /// Sections sold only with a voucher that names them (presales, hidden tiers).
    public internal(set) var hiddenSections: [String] = []
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
    public let state: HoldState
    public let seats: [String]
    public let ga: [GAQuantity]
    public let total: Int
    public let currency: String
    public let createdAt: Int
    public let expiresAt: Int
    /// The voucher it was priced with.
    public internal(set) var voucher: AppliedVoucher? = nil
    /// That voucher's row, which the booking's tickets are priced with.
    var voucherID: String? = nil
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
    public let status: BookingStatus
    public let total: Int
    public let currency: String
    public let createdAt: Int
    public let cancelledAt: Int?
    public let tickets: [TicketRecord]
    /// The voucher it was priced with.
    public internal(set) var voucher: AppliedVoucher? = nil
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

// Each record reads its row in one place, in the column order its doc comment lists (the
// order of the SELECTs that read it).

extension VenueRecord {
    /// Columns: id, name, city, timezone, owner_id, created_at.
    init(row: Row) {
        self.init(
            id: row.string(0), name: row.string(1), city: row.optionalString(2), timezone: row.string(3),
            ownerID: row.string(4), createdAt: row.int(5))
    }
}

extension SectionRecord {
    /// Columns: id, name, kind, capacity.
    init(row: Row) throws {
        self.init(id: row.string(0), name: row.string(1), kind: try row.value(2), capacity: row.int(3))
    }
}

extension SeatRecord {
    /// Columns: id, section_id, row_label, number, x, y, attributes.
    init(row: Row) {
        self.init(
            id: row.string(0), sectionID: row.string(1), row: row.string(2), number: row.int(3), x: row.double(4), y: row.double(5),
            attributes: SeatAttributes(rawValue: row.int(6)))
    }
}

extension EventRecord {
    /// Columns: `VenueStore.eventColumns` (id, title, description, starts_at, ends_at, currency,
    /// sales_start_at, sales_end_at, max_per_customer, status, version, created_at).
    init(row: Row, prices: [String: Int], hiddenSections: [String]) throws {
        self.init(
            id: row.string(0), title: row.string(1), description: row.string(2), startsAt: row.int(3), endsAt: row.optionalInt(4),
            currency: row.string(5), salesStartAt: row.optionalInt(6), salesEndAt: row.optionalInt(7),
            maxPerCustomer: row.int(8), status: try row.value(9), version: row.int(10), createdAt: row.int(11), prices: prices,
            hiddenSections: hiddenSections)
    }
}

extension SectionAvailability {
    /// Columns: section id, capacity, available.
    init(row: Row) {
        self.init(sectionID: row.string(0), capacity: row.int(1), available: row.int(2))
    }
}

extension HoldRecord {
    /// Columns: id, event_id, customer_id, state, total, created_at, expires_at, the event's
    /// currency, then the voucher's code (NULL without one), the discount and the voucher's id.
    init(row: Row, seats: [String], ga: [GAQuantity]) throws {
        self.init(
            id: row.string(0), eventID: row.string(1), customerID: row.string(2), state: try row.value(3), seats: seats, ga: ga,
            total: row.int(4), currency: row.string(7), createdAt: row.int(5), expiresAt: row.int(6),
            voucher: row.optionalString(8).map { AppliedVoucher(code: $0, discount: row.int(9)) }, voucherID: row.optionalString(10))
    }
}

extension TicketRecord {
    /// Columns: code, booking_id, event_id, section_id, seat_id, price, checked_in_at.
    init(row: Row) {
        self.init(
            code: row.string(0), bookingID: row.string(1), eventID: row.string(2), sectionID: row.string(3),
            seatID: row.optionalString(4), price: row.int(5), checkedInAt: row.optionalInt(6))
    }
}

extension BookingRecord {
    /// Columns: id, event_id, customer_id, status, total, currency, created_at, cancelled_at,
    /// then the voucher's code (NULL without one) and the discount.
    init(row: Row, tickets: [TicketRecord]) throws {
        self.init(
            id: row.string(0), eventID: row.string(1), customerID: row.string(2), status: try row.value(3), total: row.int(4),
            currency: row.string(5), createdAt: row.int(6), cancelledAt: row.optionalInt(7), tickets: tickets,
            voucher: row.optionalString(8).map { AppliedVoucher(code: $0, discount: row.int(9)) })
    }
}
