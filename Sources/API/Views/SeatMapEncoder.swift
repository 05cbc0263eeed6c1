import Storage

/// Writes the seat map's JSON by hand: it is the largest and most-read response (5,000
/// seats), and a direct byte writer is several times faster than JSONEncoder here.
/// Seat ids, section ids and attribute names are validated slugs, so they need no escaping.
enum SeatMapEncoder {
    static func encode(_ map: SeatMap) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(80 + map.seats.count * 110)
        out += Array("{\"version\":\(map.version),\"seats\":[".utf8)
        for (index, item) in map.seats.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let seat = item.seat
            out += Array(
                "{\"id\":\"\(seat.id)\",\"section\":\"\(seat.sectionID)\",\"row\":\"\(seat.row)\",\"number\":\(seat.number),\"x\":\(number(seat.x)),\"y\":\(number(seat.y)),\"price\":\(item.price),\"state\":\"\(item.state.rawValue)\""
                    .utf8)
            // Most seats have no attributes: the key is left out rather than sent empty 5,000 times.
            if !seat.attributes.isEmpty {
                out += Array(",\"attributes\":[\(seat.attributes.names.map { "\"\($0)\"" }.joined(separator: ","))]".utf8)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += Array("],\"ga\":[".utf8)
        for (index, ga) in map.ga.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("{\"section\":\"\(ga.sectionID)\",\"capacity\":\(ga.capacity),\"available\":\(ga.available),\"price\":\(ga.price)}".utf8)
        }
        out += Array("]}".utf8)
        return out
    }

    /// Whole coordinates without a fraction, others as Swift prints them (valid JSON for finite values).
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
