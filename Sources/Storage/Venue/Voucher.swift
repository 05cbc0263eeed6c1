internal import SQLite

/// What a voucher does to the price of each ticket it applies to.
public enum VoucherDiscount: Sendable, Equatable {
    /// A percentage (0 to 100) off, the discount rounded down to a whole minor unit.
    case percentOff(Int)
    /// An amount off, in minor units; a ticket never costs less than 0.
    case amountOff(Int)
    /// A fixed price, in minor units (never more than the ticket's own price).
    case price(Int)

    /// The price of a ticket of `price` with this discount: never below 0, never above `price`.
    public func apply(to price: Int) -> Int {
        switch self {
        case .percentOff(let percent): return price - price * min(max(percent, 0), 100) / 100
        case .amountOff(let amount): return max(0, price - amount)
        case .price(let fixed): return min(price, max(0, fixed))
        }
    }

    /// The column values: kind and value.
    var stored: (kind: String, value: Int) {
        switch self {
        case .percentOff(let value): ("percentOff", value)
        case .amountOff(let value): ("amountOff", value)
        case .price(let value): ("price", value)
        }
    }

    init?(kind: String, value: Int) {
        switch kind {
        case "percentOff": self = .percentOff(value)
        case "amountOff": self = .amountOff(value)
        case "price": self = .price(value)
        default: return nil
        }
    }
}

/// What an organizer sends to create a voucher.
public struct VoucherDraft: Sendable, Equatable {
    public var code: String
    public var discount: VoucherDiscount
    /// The sections it applies to; empty for all.
    public var sections: [String]
    /// Tickets it may discount in all; nil for no limit.
    public var maxUses: Int?
    /// Tickets it may discount per customer; nil for no limit.
    public var maxUsesPerCustomer: Int?
    public var validFrom: Int?
    public var validUntil: Int?

    public init(
        code: String, discount: VoucherDiscount, sections: [String] = [], maxUses: Int? = nil, maxUsesPerCustomer: Int? = nil,
        validFrom: Int? = nil, validUntil: Int? = nil
    ) {
        self.code = code
        self.discount = discount
        self.sections = sections
        self.maxUses = maxUses
        self.maxUsesPerCustomer = maxUsesPerCustomer
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Codes: 1 to 40 letters, digits, `-` and `_`; compared case-insensitively.
    public static let codeLength = 1...40

    /// The code as stored and compared: upper-cased.
    public static func normalized(_ code: String) -> String { code.uppercased() }
}

/// A voucher of an event, with the tickets it discounts right now.
public struct VoucherRecord: Sendable, Equatable {
    /// Its row's id: holds and tickets name the voucher by it, so a code deleted and made
    /// again starts afresh.
    public let id: String
    public let eventID: String
    /// Upper-cased.
    public let code: String
    public let discount: VoucherDiscount
    public let sections: [String]
    public let maxUses: Int?
    public let maxUsesPerCustomer: Int?
    public let validFrom: Int?
    public let validUntil: Int?
    public let createdAt: Int
    /// Tickets discounted by live holds and confirmed bookings.
    public let uses: Int

    /// Whether it changes the price of tickets of `sectionID`.
    public func applies(to sectionID: String) -> Bool { sections.isEmpty || sections.contains(sectionID) }

    /// The price of a ticket of `sectionID` that costs `price` without it.
    public func price(of price: Int, sectionID: String) -> Int {
        applies(to: sectionID) ? discount.apply(to: price) : price
    }

    /// Whether it may be used at `now`.
    public func isValid(at now: Int) -> Bool {
        (validFrom.map { now >= $0 } ?? true) && (validUntil.map { now < $0 } ?? true)
    }
}

/// The voucher a hold or booking was priced with, as it shows it.
public struct AppliedVoucher: Sendable, Equatable {
    public let code: String
    /// How much less the hold or booking costs with it, in minor units.
    public let discount: Int
}

extension VenueStore {
    static let voucherColumns =
        "id, event_id, code, kind, value, max_uses, max_uses_per_customer, valid_from, valid_until, created_at"

    /// Creates a voucher of `eventID`; `voucherExists` when the code (in any case) is taken.
    public func createVoucher(eventID: String, draft: VoucherDraft, now: Int) throws -> VoucherRecord {
        _ = try event(eventID)
        try validate(draft)
        let id = Identifier.makeTimeOrdered("v_")
        let code = VoucherDraft.normalized(draft.code)
        try write(now: now) { transaction in
            let taken = try transaction.prepare("SELECT 1 FROM voucher WHERE event_id = ? AND code = ? AND deleted_at IS NULL")
                .bind(eventID, code).queryInt()
            guard taken == nil else { throw BookingError.voucherExists }
            let (kind, value) = draft.discount.stored
            try transaction.prepare("INSERT INTO voucher (\(Self.voucherColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
                id, eventID, code, kind, value, draft.maxUses, draft.maxUsesPerCustomer, draft.validFrom, draft.validUntil, now
            ).run()
            for section in Set(draft.sections) {
                try transaction.prepare("INSERT INTO voucher_section (voucher_id, section_id) VALUES (?, ?)").bind(id, section).run()
            }
        }
        return try database.read { try loadVouchers(eventID: eventID, code: code, now: now, in: $0).first! }
    }

    /// The event's vouchers (not deleted), by code, each with its uses at `now`.
    public func vouchers(eventID: String, now: Int) throws -> [VoucherRecord] {
        _ = try event(eventID)
        return try database.read { try loadVouchers(eventID: eventID, code: nil, now: now, in: $0) }
    }

    /// Deletes a voucher: no new hold may use it; holds and bookings made with it keep their
    /// prices. `voucherNotFound` for an unknown code.
    public func deleteVoucher(eventID: String, code: String, now: Int) throws {
        _ = try event(eventID)
        try write(now: now) { transaction in
            try transaction.prepare("UPDATE voucher SET deleted_at = ? WHERE event_id = ? AND code = ? AND deleted_at IS NULL")
                .bind(now, eventID, VoucherDraft.normalized(code)).run()
            guard transaction.changes == 1 else { throw BookingError.voucherNotFound }
        }
    }

    /// Vouchers of `eventID` not deleted (only `code`'s when given), with their uses at `now`.
    func loadVouchers(eventID: String, code: String?, now: Int, in connection: Connection) throws -> [VoucherRecord] {
        try connection.prepare(
            """
            SELECT \(Self.voucherColumns) FROM voucher
            WHERE event_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR code = ?2) ORDER BY code
            """
        ).bind(eventID, code).map { row in
            try voucher(row: row, now: now, in: connection)
        }
    }

    /// A voucher by its id, deleted or not (the one a hold was priced with).
    func loadVoucher(id: String, now: Int, in connection: Connection) throws -> VoucherRecord? {
        try connection.prepare("SELECT \(Self.voucherColumns) FROM voucher WHERE id = ?").bind(id).first { row in
            try voucher(row: row, now: now, in: connection)
        }
    }

    /// Columns: `voucherColumns`.
    private func voucher(row: Row, now: Int, in connection: Connection) throws -> VoucherRecord {
        let id = row.string(0)
        let sections = try connection.prepare("SELECT section_id FROM voucher_section WHERE voucher_id = ? ORDER BY section_id")
            .bind(id).map { $0.string(0) }
        guard let discount = VoucherDiscount(kind: row.string(3), value: row.int(4)) else {
            throw BookingError.invalid("voucher \(id) has an unknown kind", field: nil)
        }
        return VoucherRecord(
            id: id, eventID: row.string(1), code: row.string(2), discount: discount, sections: sections,
            maxUses: row.optionalInt(5), maxUsesPerCustomer: row.optionalInt(6), validFrom: row.optionalInt(7),
            validUntil: row.optionalInt(8), createdAt: row.int(9), uses: try voucherUses(id, customerID: nil, now: now, in: connection))
    }

    /// Tickets the voucher discounts in live holds and confirmed bookings (only `customerID`'s
    /// when given). Expired holds not yet purged no longer count.
    func voucherUses(_ voucherID: String, customerID: String?, now: Int, in connection: Connection) throws -> Int {
        try connection.prepare(
            """
            SELECT (SELECT coalesce(sum(voucher_uses), 0) FROM hold
                    WHERE voucher_id = ?1 AND expires_at > ?2 AND (?3 IS NULL OR customer_id = ?3))
                 + (SELECT count(*) FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE t.voucher_id = ?1 AND b.status = 'confirmed' AND (?3 IS NULL OR b.customer_id = ?3))
            """
        ).bind(voucherID, now, customerID).queryInt() ?? 0
    }

    private func validate(_ draft: VoucherDraft) throws(BookingError) {
        let allowed = draft.code.unicodeScalars.allSatisfy {
            ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard VoucherDraft.codeLength.contains(draft.code.count), allowed else {
            throw .invalid("code is 1 to 40 letters, digits, - and _", field: "code")
        }
        switch draft.discount {
        case .percentOff(let percent) where !(0...100).contains(percent):
            throw .invalid("percentOff is 0 to 100", field: "percentOff")
        case .amountOff(let amount) where !(0...100_000_000).contains(amount):
            throw .invalid("amountOff is 0 to 100000000 minor units", field: "amountOff")
        case .price(let price) where !(0...100_000_000).contains(price):
            throw .invalid("price is 0 to 100000000 minor units", field: "price")
        default: break
        }
        let known: Set<String>
        do { known = Set(try sections().map(\.id)) } catch { throw .invalid("the layout could not be read", field: nil) }
        guard draft.sections.count <= 100 else { throw .invalid("at most 100 sections", field: "sections") }
        if let unknown = draft.sections.first(where: { !known.contains($0) }) {
            throw .invalid("sections names an unknown section \(unknown)", field: "sections")
        }
        for (field, limit) in [("maxUses", draft.maxUses), ("maxUsesPerCustomer", draft.maxUsesPerCustomer)] {
            if let limit, !(1...1_000_000).contains(limit) { throw .invalid("\(field) is 1 to 1000000", field: field) }
        }
        if let from = draft.validFrom, let until = draft.validUntil, until <= from {
            throw .invalid("validUntil must be after validFrom", field: "validUntil")
        }
    }
}

extension VenueTransaction {
    /// The voucher `code` of `event` as a hold of `sections` (one entry per ticket) may use it
    /// at this transaction's time: checks that it exists and is valid, that it names each
    /// hidden section asked for, and that its uses (total and the customer's) allow the
    /// tickets it discounts. Returns it and those tickets' count; nil without a code.
    func voucher(
        _ code: String?, for event: EventRecord, sections: [String], customerID: String
    ) throws -> (voucher: VoucherRecord, uses: Int)? {
        let hidden = Set(event.hiddenSections)
        guard let code else {
            if sections.contains(where: hidden.contains) { throw BookingError.voucherRequired }
            return nil
        }
        let normalized = VoucherDraft.normalized(code)
        guard VoucherDraft.codeLength.contains(code.count),
            let voucher = try store.loadVouchers(eventID: event.id, code: normalized, now: now, in: connection).first,
            voucher.isValid(at: now)
        else { throw BookingError.invalidVoucher }
        if sections.contains(where: { hidden.contains($0) && !voucher.sections.contains($0) }) { throw BookingError.voucherRequired }
        let uses = sections.filter(voucher.applies).count
        if let max = voucher.maxUses, voucher.uses + uses > max { throw BookingError.voucherUsedUp }
        if let max = voucher.maxUsesPerCustomer,
            try store.voucherUses(voucher.id, customerID: customerID, now: now, in: connection) + uses > max
        {
            throw BookingError.voucherUsedUp
        }
        return (voucher, uses)
    }
}
