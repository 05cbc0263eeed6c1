import Common
import FoundationEssentials

/// A venue layout as an organizer describes it: sections of rows of seats, or GA sections.
public struct Layout: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case seated(rows: [Row])
            case ga(capacity: Int)
        }
        public let id: String
        public let name: String
        public let kind: Kind
        public init(id: String, name: String, kind: Kind) {
            self.id = id
            self.name = name
            self.kind = kind
        }
    }

    public struct Row: Sendable, Equatable {
        public let label: String
        /// Either a count (seats 1…n laid out on a grid) or explicit seats with coordinates.
        public let seats: Seats
        public enum Seats: Sendable, Equatable {
            case count(Int)
            case explicit([Seat])
        }
        public init(label: String, seats: Seats) {
            self.label = label
            self.seats = seats
        }
    }

    /// A seat placed by the organizer; `attributes` are API names, checked by the layout.
    public struct Seat: Sendable, Equatable {
        public let number: Int
        public let x: Double
        public let y: Double
        public let attributes: [String]
        public init(number: Int, x: Double, y: Double, attributes: [String] = []) {
            self.number = number
            self.x = x
            self.y = y
            self.attributes = attributes
        }
    }

    public let sections: [Section]
    public init(sections: [Section]) { self.sections = sections }

    /// Limits that keep one venue file and one seat map reasonable.
    public static let maxSeats = 20_000
    public static let maxSections = 100
    public static let maxGACapacity = 1_000_000

    /// Checks the layout and returns its seats with coordinates, or throws `.invalid`.
    /// Seated sections without coordinates are laid out on a grid, one section below the other.
    func validatedSeats() throws(BookingError) -> [SeatRecord] {
        guard !sections.isEmpty, sections.count <= Self.maxSections else {
            throw .invalid("a layout has 1 to \(Self.maxSections) sections", field: "layout.sections")
        }
        var seats: [SeatRecord] = []
        var sectionIDs = Set<String>()
        var top = 0.0
        for (index, section) in sections.enumerated() {
            let field = "layout.sections[\(index)]"
            guard Self.isSlug(section.id, maxLength: 40) else {
                throw .invalid("section ids are 1-40 characters of a-z, 0-9 and -", field: field + ".id")
            }
            guard sectionIDs.insert(section.id).inserted else { throw .invalid("section id \(section.id) is used twice", field: field + ".id") }
            try TextRules.name(section.name, field: field + ".name")
            switch section.kind {
            case .ga(let capacity):
                guard (1...Self.maxGACapacity).contains(capacity) else {
                    throw .invalid("a GA capacity is 1 to \(Self.maxGACapacity)", field: field + ".capacity")
                }
            case .seated(let rows):
                guard !rows.isEmpty else { throw .invalid("a seated section has at least one row", field: field + ".rows") }
                var labels = Set<String>()
                for (rowIndex, row) in rows.enumerated() {
                    let rowField = "\(field).rows[\(rowIndex)]"
                    guard Self.isSlug(row.label, maxLength: 10, allowUpper: true) else {
                        throw .invalid("row labels are 1-10 letters or digits", field: rowField + ".label")
                    }
                    guard labels.insert(row.label).inserted else { throw .invalid("row \(row.label) is used twice", field: rowField + ".label") }
                    let placed: [Seat]
                    switch row.seats {
                    case .count(let count):
                        guard (1...1000).contains(count) else { throw .invalid("a row has 1 to 1000 seats", field: rowField + ".seats") }
                        placed = (1...count).map { Seat(number: $0, x: Double($0) * 12, y: top + Double(rowIndex) * 14) }
                    case .explicit(let list):
                        guard (1...1000).contains(list.count) else { throw .invalid("a row has 1 to 1000 seats", field: rowField + ".seats") }
                        guard Set(list.map(\.number)).count == list.count, list.allSatisfy({ (1...100_000).contains($0.number) }),
                            list.allSatisfy({ $0.x.isFinite && $0.y.isFinite && abs($0.x) < 1e6 && abs($0.y) < 1e6 })
                        else {
                            throw .invalid("seat numbers must be unique positive integers with finite x and y", field: rowField + ".seats")
                        }
                        placed = list
                    }
                    for (seatIndex, seat) in placed.enumerated() {
                        guard seat.attributes.count <= SeatAttributes.named.count, let attributes = SeatAttributes(names: seat.attributes)
                        else {
                            let names = SeatAttributes.named.map(\.name).joined(separator: ", ")
                            throw .invalid("seat attributes are \(names)", field: "\(rowField).seats[\(seatIndex)].attributes")
                        }
                        seats.append(
                            SeatRecord(
                                id: "\(section.id)-\(row.label)-\(seat.number)", sectionID: section.id,
                                row: row.label, number: seat.number, x: seat.x, y: seat.y, attributes: attributes))
                    }
                    guard seats.count <= Self.maxSeats else { throw .invalid("a venue has at most \(Self.maxSeats) seats", field: "layout") }
                }
                top += Double(rows.count) * 14 + 30
            }
        }
        return seats
    }

    static func isSlug(_ text: String, maxLength: Int, allowUpper: Bool = false) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...maxLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (allowUpper && (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte))
                || (!allowUpper && byte == UInt8(ascii: "-"))
        }
    }
}

/// Length and content rules for user-visible text (API.md limits).
public enum TextRules {
    public static func name(_ text: String, field: String, max: Int = 200) throws(BookingError) {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, text.count <= max else { throw .invalid("\(field) must be 1 to \(max) characters", field: field) }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid("\(field) must not contain control characters", field: field)
        }
    }

    public static func description(_ text: String, field: String) throws(BookingError) {
        guard text.count <= 10_000 else { throw .invalid("\(field) must be at most 10000 characters", field: field) }
        guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else { throw .invalid("\(field) must not contain NUL", field: field) }
    }
}
