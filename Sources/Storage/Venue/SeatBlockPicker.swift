/// `{best: {quantity, section?}}`: hold `quantity` adjacent seats in one row, picked by the
/// venue (API.md "Seats, best available, reports").
public struct BestAvailableRequest: Sendable, Equatable {
    public let quantity: Int
    /// Only this seated section; any seated section when nil.
    public let sectionID: String?
    public init(quantity: Int, sectionID: String?) {
        self.quantity = quantity
        self.sectionID = sectionID
    }
}

/// Picks the best block of adjacent free seats. Pure, so it is tested without a database; it
/// runs inside the write transaction that claims the block, so two requests never pick the
/// same seats.
///
/// - Adjacent: consecutive seat numbers in the same row of the same section; a gap in the
///   numbering breaks a block, and so does a taken seat.
/// - Best first: sections in layout order, rows front to back (layout order), and within a row
///   the block whose centre is closest to the row's middle (the lower numbers on a tie).
/// - Wheelchair spaces are never picked: they stay for the people who need them, who hold
///   them by seat id.
enum SeatBlockPicker {
    /// The best `quantity` free seats in one row, in seat order, or nil when no row has them.
    /// `seats` are in layout order (sections, rows, then seats).
    static func pick(quantity: Int, from seats: [SeatRecord], isFree: (SeatRecord) -> Bool) -> [SeatRecord]? {
        guard quantity >= 1 else { return nil }
        for row in rows(of: seats) {
            if let block = best(quantity: quantity, in: row, isFree: isFree) { return block }
        }
        return nil
    }

    /// The rows of `seats` in the order they first appear, each sorted by seat number.
    static func rows(of seats: [SeatRecord]) -> [[SeatRecord]] {
        var order: [String] = []
        var rows: [String: [SeatRecord]] = [:]
        for seat in seats {
            // Section ids are slugs and row labels letters or digits, so a space cannot collide.
            let key = seat.sectionID + " " + seat.row
            if rows[key] == nil { order.append(key) }
            rows[key, default: []].append(seat)
        }
        return order.map { rows[$0]!.sorted { $0.number < $1.number } }
    }

    /// The free block of `quantity` consecutive numbers closest to the middle of `row`.
    static func best(quantity: Int, in row: [SeatRecord], isFree: (SeatRecord) -> Bool) -> [SeatRecord]? {
        guard let first = row.first, let last = row.last, quantity <= row.count else { return nil }
        // Twice the middle and twice each centre, so every distance is a whole number.
        let middle2 = first.number + last.number
        var best: (start: Int, distance: Int)?
        var runStart = 0
        for index in row.indices {
            let usable = isFree(row[index]) && !row[index].attributes.contains(.wheelchair)
            let continues = index > 0 && row[index].number == row[index - 1].number + 1
            if !usable {
                runStart = index + 1
                continue
            }
            if !continues { runStart = index }
            guard index - runStart + 1 >= quantity else { continue }
            let start = index - quantity + 1
            let distance = abs(row[start].number + row[index].number - middle2)
            if best == nil || distance < best!.distance { best = (start, distance) }
        }
        return best.map { Array(row[$0.start..<$0.start + quantity]) }
    }
}
