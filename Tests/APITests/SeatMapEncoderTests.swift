import Foundation
import Testing

@testable import API
@testable import Storage

@Suite("The seat map's hand-written JSON")
struct SeatMapEncoderTests {
    @Test func attributesAreSentForTheSeatsThatHaveThemInTheirOrder() throws {
        func seat(_ number: Int, _ attributes: SeatAttributes) -> SeatMap.Seat {
            SeatMap.Seat(
                seat: SeatRecord(id: "stalls-A-\(number)", sectionID: "stalls", row: "A", number: number, x: 1.5, y: 0, attributes: attributes),
                price: 4500, state: .available)
        }
        let map = SeatMap(
            version: 3, seats: [seat(1, [.aisle, .wheelchair]), seat(2, []), seat(3, [.companion, .restrictedView])], ga: [])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(SeatMapEncoder.encode(map))) as? [String: Any])
        let seats = try #require(json["seats"] as? [[String: Any]])
        #expect(seats[0]["attributes"] as? [String] == ["wheelchair", "aisle"])
        #expect(seats[1]["attributes"] == nil)
        #expect(seats[2]["attributes"] as? [String] == ["companion", "restricted-view"])
        #expect(seats[0]["x"] as? Double == 1.5 && seats[0]["state"] as? String == "available")
    }
}
