import Testing
@testable import Auth

@Suite("Ticket codes")
struct TicketCodeTests {
    @Test func codesAre14CharactersWith65RandomBits() {
        let codes = (0..<1000).map { _ in TicketCode.make() }
        #expect(Set(codes).count == 1000)
        #expect(codes.allSatisfy { $0.count == 14 && TicketCode.isValid($0) })
    }

    @Test func typingIsForgiving() throws {
        let code = TicketCode.make()
        let typed = code.lowercased().enumerated().map { $0.offset % 4 == 3 ? "\($0.element)-" : "\($0.element)" }.joined()
        #expect(TicketCode.normalize(typed) == code)
        #expect(TicketCode.normalize(" " + code + " ") == code)
    }

    @Test func theCheckCharacterCatchesASingleTypo() {
        for _ in 0..<200 {
            var bytes = Array(TicketCode.make().utf8)
            let position = Int.random(in: 0..<13)
            let original = bytes[position]
            bytes[position] = TicketCode.alphabet.filter { $0 != original }.randomElement()!
            #expect(TicketCode.normalize(String(decoding: bytes, as: UTF8.self)) == nil)
        }
    }

    @Test func theCheckCharacterCatchesSwappedNeighbours() {
        for _ in 0..<200 {
            var bytes = Array(TicketCode.make().utf8)
            let position = Int.random(in: 0..<12)
            guard bytes[position] != bytes[position + 1] else { continue }
            bytes.swapAt(position, position + 1)
            #expect(TicketCode.normalize(String(decoding: bytes, as: UTF8.self)) == nil)
        }
    }

    @Test(arguments: ["", "../../etc/passwd", String(repeating: "A", count: 100), "ABCDEFGHJKMNPQ"])
    func junkIsNotACode(text: String) {
        #expect(TicketCode.normalize(text) == nil || TicketCode.isValid(text))
    }
}
