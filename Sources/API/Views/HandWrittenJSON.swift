import Common
import Storage

/// The answers of the hot paths written by hand: JSONEncoder was a large share of a worker's
/// CPU on the booking path and the event list (docs/benchmarks.md). The shape is the encoder's (`Views.swift` keeps the Encodable types for
/// every other answer, and a unit test holds the two equal): fields that have no value are
/// left out, times are RFC 3339.
enum HandWrittenJSON {
    /// `{"booking": …}`.
    static func booking(_ view: BookingView) -> [UInt8] {
        var out = #"{"booking":{"id":"# + JSONText.quoted(view.id)
        out += #","venueId":"# + JSONText.quoted(view.venueId)
        out += #","eventId":"# + JSONText.quoted(view.eventId)
        out += #","status":"# + JSONText.quoted(view.status)
        out += #","tickets":["#
        for (index, ticket) in view.tickets.enumerated() {
            if index > 0 { out += "," }
            out += #"{"code":"# + JSONText.quoted(ticket.code)
            if let seatId = ticket.seatId { out += #","seatId":"# + JSONText.quoted(seatId) }
            out += #","section":"# + JSONText.quoted(ticket.section) + #","price":"# + String(ticket.price)
            if let checkedInAt = ticket.checkedInAt { out += #","checkedInAt":"# + JSONText.quoted(RFC3339.string(from: checkedInAt)) }
            out += "}"
        }
        out += #"],"total":"# + String(view.total) + #","currency":"# + JSONText.quoted(view.currency)
        out += #","createdAt":"# + JSONText.quoted(RFC3339.string(from: view.createdAt))
        if let cancelledAt = view.cancelledAt { out += #","cancelledAt":"# + JSONText.quoted(RFC3339.string(from: cancelledAt)) }
        return Array((out + voucher(view.voucher) + "}}").utf8)
    }

    /// `{"hold": …}`.
    static func hold(_ view: HoldView) -> [UInt8] {
        var out = #"{"hold":{"id":"# + JSONText.quoted(view.id) + #","eventId":"# + JSONText.quoted(view.eventId)
        out += #","seats":["# + view.seats.map(JSONText.quoted).joined(separator: ",")
        out +=
            #"],"ga":["#
            + view.ga.map { #"{"section":"# + JSONText.quoted($0.section) + #","quantity":"# + String($0.quantity) + "}" }
            .joined(separator: ",")
        out += #"],"total":"# + String(view.total) + #","currency":"# + JSONText.quoted(view.currency)
        out += #","expiresAt":"# + JSONText.quoted(RFC3339.string(from: view.expiresAt))
        return Array((out + voucher(view.voucher) + "}}").utf8)
    }

    /// `,"voucher":{…}` of a hold or booking priced with one; nothing otherwise.
    private static func voucher(_ view: AppliedVoucherView?) -> String {
        guard let view else { return "" }
        return #","voucher":{"code":"# + JSONText.quoted(view.code) + #","discount":"# + String(view.discount) + "}"
    }

    /// `{"events": [...], "nextCursor": … | null}`, a page of the event list.
    static func events(_ events: [EventSummaryView], nextCursor: String?) -> [UInt8] {
        var out = #"{"events":["#
        for (index, event) in events.enumerated() {
            if index > 0 { out += "," }
            out += #"{"id":"# + JSONText.quoted(event.id) + #","venueId":"# + JSONText.quoted(event.venueId)
            out += #","title":"# + JSONText.quoted(event.title)
            out += #","startsAt":"# + JSONText.quoted(RFC3339.string(from: event.startsAt))
            out += #","status":"# + JSONText.quoted(event.status) + #","minPrice":"# + String(event.minPrice)
            out += #","currency":"# + JSONText.quoted(event.currency) + #","available":"# + String(event.available)
            if let city = event.city { out += #","city":"# + JSONText.quoted(city) }
            out += "}"
        }
        out += #"],"nextCursor":"# + (nextCursor.map(JSONText.quoted) ?? "null")
        return Array((out + "}").utf8)
    }
}
