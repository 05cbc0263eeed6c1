import FoundationEssentials
import Storage

/// The JSON shapes of API.md, built from Storage records. Times are RFC 3339 UTC.

struct UserView: Encodable {
    let id: String
    let email: String
    let name: String
    let role: String
    init(_ user: UserRecord) {
        id = user.id
        email = user.email
        name = user.name
        role = user.role.rawValue
    }
}

struct VenueView: Encodable {
    struct SectionView: Encodable {
        struct RowView: Encodable {
            let label: String
            let seats: Int
        }
        let id: String
        let name: String
        let kind: String
        let capacity: Int
        let rows: [RowView]?
    }
    let id: String
    let name: String
    let city: String?
    let timezone: String
    let ownerId: String
    let createdAt: Date
    let layout: [String: [SectionView]]?

    init(_ venue: VenueRecord, sections: [SectionRecord]? = nil, seats: [SeatRecord] = []) {
        id = venue.id
        name = venue.name
        city = venue.city
        timezone = venue.timezone
        ownerId = venue.ownerID
        createdAt = Date(timeIntervalSince1970: TimeInterval(venue.createdAt))
        layout = sections.map { sections in
            [
                "sections": sections.map { section in
                    var rows: [SectionView.RowView]? = nil
                    if section.kind == .seated {
                        var order: [String] = []
                        var counts: [String: Int] = [:]
                        for seat in seats where seat.sectionID == section.id {
                            if counts[seat.row] == nil { order.append(seat.row) }
                            counts[seat.row, default: 0] += 1
                        }
                        rows = order.map { SectionView.RowView(label: $0, seats: counts[$0]!) }
                    }
                    return SectionView(id: section.id, name: section.name, kind: section.kind.rawValue, capacity: section.capacity, rows: rows)
                }
            ]
        }
    }
}

struct EventView: Encodable {
    struct SectionAvailabilityView: Encodable {
        let section: String
        let name: String
        let kind: String
        let capacity: Int
        let available: Int
        let price: Int
    }
    let id: String
    let venueId: String
    let title: String
    let description: String
    let startsAt: Date
    let endsAt: Date?
    let status: String
    let currency: String
    let prices: [String: Int]
    let maxTicketsPerCustomer: Int
    let salesStartAt: Date?
    let salesEndAt: Date?
    let version: Int
    let timezone: String?
    let sections: [SectionAvailabilityView]?
    let queue: Nullable<QueueSettingsView>
    let hiddenSections: [String]

    init(
        _ event: EventRecord, venueID: String, timezone: String? = nil, availability: [SectionAvailability]? = nil,
        sections: [SectionRecord] = [], queue: QueueSettings? = nil
    ) {
        self.queue = Nullable(queue.map(QueueSettingsView.init))
        id = event.id
        venueId = venueID
        title = event.title
        description = event.description
        startsAt = Date(timeIntervalSince1970: TimeInterval(event.startsAt))
        endsAt = event.endsAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        status = event.status.rawValue
        currency = event.currency
        prices = event.prices
        maxTicketsPerCustomer = event.maxPerCustomer
        salesStartAt = event.salesStartAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        salesEndAt = event.salesEndAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        version = event.version
        hiddenSections = event.hiddenSections
        self.timezone = timezone
        self.sections = availability.map { list in
            list.map { item in
                let section = sections.first { $0.id == item.sectionID }
                return SectionAvailabilityView(
                    section: item.sectionID, name: section?.name ?? item.sectionID,
                    kind: section?.kind.rawValue ?? "seated", capacity: item.capacity,
                    available: event.hiddenSections.contains(item.sectionID) ? 0 : item.available,
                    price: event.prices[item.sectionID] ?? 0)
            }
        }
    }
}

struct EventSummaryView: Encodable {
    let id: String
    let venueId: String
    let title: String
    let startsAt: Date
    let status: String
    let minPrice: Int
    let currency: String
    let available: Int
    let city: String?
}

struct GAView: Codable {
    let section: String
    let quantity: Int
}

struct HoldView: Encodable {
    let id: String
    let eventId: String
    let seats: [String]
    let ga: [GAView]
    let total: Int
    let currency: String
    let expiresAt: Date
    let voucher: AppliedVoucherView?
    init(_ hold: HoldRecord) {
        id = hold.id
        eventId = hold.eventID
        seats = hold.seats
        ga = hold.ga.map { GAView(section: $0.sectionID, quantity: $0.quantity) }
        total = hold.total
        currency = hold.currency
        expiresAt = Date(timeIntervalSince1970: TimeInterval(hold.expiresAt))
        voucher = hold.voucher.map(AppliedVoucherView.init)
    }
}

/// The voucher a hold or booking was priced with: its code and what it took off the total.
struct AppliedVoucherView: Encodable {
    let code: String
    let discount: Int
    init(_ voucher: AppliedVoucher) {
        code = voucher.code
        discount = voucher.discount
    }
}

/// A voucher as its organizer sees it: exactly one of `percentOff`, `amountOff`, `price`.
struct VoucherView: Encodable {
    let code: String
    let percentOff: Int?
    let amountOff: Int?
    let price: Int?
    let sections: [String]
    let maxUses: Int?
    let maxUsesPerCustomer: Int?
    let validFrom: Date?
    let validUntil: Date?
    let uses: Int
    init(_ voucher: VoucherRecord) {
        code = voucher.code
        switch voucher.discount {
        case .percentOff(let value): (percentOff, amountOff, price) = (value, nil, nil)
        case .amountOff(let value): (percentOff, amountOff, price) = (nil, value, nil)
        case .price(let value): (percentOff, amountOff, price) = (nil, nil, value)
        }
        sections = voucher.sections
        maxUses = voucher.maxUses
        maxUsesPerCustomer = voucher.maxUsesPerCustomer
        validFrom = voucher.validFrom.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        validUntil = voucher.validUntil.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        uses = voucher.uses
    }
}

struct TicketView: Encodable {
    let code: String
    let seatId: String?
    let section: String
    let price: Int
    let checkedInAt: Date?
    init(_ ticket: TicketRecord) {
        code = ticket.code
        seatId = ticket.seatID
        section = ticket.sectionID
        price = ticket.price
        checkedInAt = ticket.checkedInAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}

struct BookingView: Encodable {
    let id: String
    let venueId: String
    let eventId: String
    let status: String
    let tickets: [TicketView]
    let total: Int
    let currency: String
    let createdAt: Date
    let cancelledAt: Date?
    let voucher: AppliedVoucherView?
    init(_ booking: BookingRecord, venueID: String) {
        id = booking.id
        venueId = venueID
        eventId = booking.eventID
        status = booking.status.rawValue
        tickets = booking.tickets.map(TicketView.init)
        total = booking.total
        currency = booking.currency
        createdAt = Date(timeIntervalSince1970: TimeInterval(booking.createdAt))
        cancelledAt = booking.cancelledAt.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        voucher = booking.voucher.map(AppliedVoucherView.init)
    }
}

struct WaitlistEntryView: Encodable {
    let id: String
    let eventId: String
    let section: String?
    let quantity: Int
    let createdAt: Date
    init(_ entry: WaitlistEntry) {
        id = entry.id
        eventId = entry.eventID
        section = entry.sectionID
        quantity = entry.quantity
        createdAt = Date(timeIntervalSince1970: TimeInterval(entry.createdAt))
    }
}
