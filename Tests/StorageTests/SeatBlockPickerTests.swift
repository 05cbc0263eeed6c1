import Testing

@testable import Storage

@Suite("Picking the best block of adjacent seats")
struct SeatBlockPickerTests {
    /// Seats of `rows` (label, numbers) in section `section`, in layout order.
    func seats(_ rows: [(String, [Int])], section: String = "stalls", attributes: [String: SeatAttributes] = [:]) -> [SeatRecord] {
        rows.flatMap { label, numbers in
            numbers.map { number in
                let id = "\(section)-\(label)-\(number)"
                return SeatRecord(
                    id: id, sectionID: section, row: label, number: number, x: Double(number), y: 0, attributes: attributes[id] ?? [])
            }
        }
    }

    func pick(_ quantity: Int, _ seats: [SeatRecord], taken: Set<String> = []) -> [String]? {
        SeatBlockPicker.pick(quantity: quantity, from: seats, isFree: { !taken.contains($0.id) })?.map(\.id)
    }

    @Test func theBlockClosestToTheMiddleOfTheFrontRowComesFirst() {
        let hall = seats([("A", Array(1...10)), ("B", Array(1...10))])
        #expect(pick(4, hall) == ["stalls-A-4", "stalls-A-5", "stalls-A-6", "stalls-A-7"])
        // An odd block in an even row: two blocks are as close; the lower numbers win.
        #expect(pick(3, hall) == ["stalls-A-4", "stalls-A-5", "stalls-A-6"])
        #expect(pick(2, hall) == ["stalls-A-5", "stalls-A-6"])
    }

    @Test func seatsGoFromTheMiddleOutAsTheRowFills() {
        let row = seats([("A", Array(1...10))])
        var taken: Set<String> = []
        var picked: [[String]] = []
        while let block = pick(2, row, taken: taken) {
            picked.append(block)
            taken.formUnion(block)
        }
        #expect(
            picked == [
                ["stalls-A-5", "stalls-A-6"], ["stalls-A-3", "stalls-A-4"], ["stalls-A-7", "stalls-A-8"],
                ["stalls-A-1", "stalls-A-2"], ["stalls-A-9", "stalls-A-10"],
            ])
    }

    @Test func aFullOrBrokenFrontRowSendsThePickToTheNextRow() {
        let hall = seats([("A", Array(1...6)), ("B", Array(1...6))])
        // Row A has 3 free seats on each side of a held pair: no block of 4.
        let taken: Set = ["stalls-A-3", "stalls-A-4"]
        #expect(pick(4, hall, taken: taken) == ["stalls-B-2", "stalls-B-3", "stalls-B-4", "stalls-B-5"])
        #expect(pick(2, hall, taken: taken) == ["stalls-A-1", "stalls-A-2"])
    }

    @Test func aGapInTheNumberingBreaksAdjacency() {
        // Seats 1-3 and 5-7: the aisle where 4 would be is not a seat.
        let row = seats([("A", [1, 2, 3, 5, 6, 7])])
        #expect(pick(4, row) == nil)
        #expect(pick(3, row) == ["stalls-A-1", "stalls-A-2", "stalls-A-3"])
    }

    @Test func rowsFollowTheLayoutOrderAndSeatsTheirNumbers() {
        // Row "Z" is listed first (front), its seats out of order.
        let hall = seats([("Z", [3, 1, 2]), ("A", [1, 2, 3])])
        #expect(pick(3, hall) == ["stalls-Z-1", "stalls-Z-2", "stalls-Z-3"])
    }

    @Test func wheelchairSpacesAreNeverPicked() {
        let row = seats([("A", Array(1...5))], attributes: ["stalls-A-3": .wheelchair, "stalls-A-4": .companion])
        // 1-2 and 4-5 are as close to the middle (3); the lower numbers win.
        #expect(pick(2, row) == ["stalls-A-1", "stalls-A-2"])
        #expect(pick(3, row) == nil)
    }

    @Test func nothingIsPickedWhenNoRowHasTheBlock() {
        let hall = seats([("A", Array(1...3))])
        #expect(pick(4, hall) == nil)
        #expect(pick(1, hall, taken: ["stalls-A-1", "stalls-A-2", "stalls-A-3"]) == nil)
        #expect(pick(0, hall) == nil)
    }
}
