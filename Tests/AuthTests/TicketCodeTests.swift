import Testing

@testable import Auth

@Suite("Ticket codes")
struct TicketCodeTests {
    @Test func codesAre14CharactersWith65RandomBits() {
        let codes = (0..<1000).map { _ in TicketCode.make() }
        #expect(Set(codes).count == 1000)
        for code in codes {
            #expect(code.utf8.count == 14)
            #expect(code.utf8.prefix(13).allSatisfy(TicketCode.alphabet.contains))
            #expect(TicketCode.checkAlphabet.contains(code.utf8.last!))
            #expect(TicketCode.isValid(code))
        }
    }

    @Test func theAlphabetIsCrockfords() {
        #expect(TicketCode.alphabet.count == 32)
        #expect(!TicketCode.alphabet.contains { "ILOU".utf8.contains($0) })
    }

    // The body read as a base-32 number, modulo 37.
    @Test(arguments: [
        ("0000000000000", "0"), ("0000000000001", "1"), ("000000000000Z", "Z"), ("0000000000010", "*"),
        ("0000000000011", "~"), ("0000000000012", "$"), ("0000000000013", "="), ("0000000000014", "U"),
        ("0000000000015", "0"), ("0000000000100", "S"),
    ])
    func theCheckSymbolIsCrockfords(body: String, check: String) {
        #expect(TicketCode.checkSymbol(Array(body.utf8)) == check.utf8.first!)
        #expect(TicketCode.isValid(body + check))
    }

    @Test func typingIsForgiving() throws {
        let code = TicketCode.make()
        let grouped = code.lowercased().enumerated().map { $0.offset % 4 == 3 ? "\($0.element)-" : "\($0.element)" }.joined()
        #expect(TicketCode.normalize(grouped) == code)
        #expect(TicketCode.normalize(" " + code.prefix(7) + " " + code.dropFirst(7) + " ") == code)
        #expect(TicketCode.normalize("\t" + code) == code)
    }

    @Test func lookAlikeLettersAreRead() {
        let code = "0000000000001" + "1"
        #expect(TicketCode.normalize("OOOOOOOOOOOOI1") == code)
        #expect(TicketCode.normalize("ooooooooooool" + "L") == code)
        #expect(TicketCode.normalize("000000000000U" + "U") == nil, "U is only a check symbol")
    }

    @Test func everySingleWrongCharacterIsCaught() {
        for _ in 0..<20 {
            let code = Array(TicketCode.make().utf8)
            for position in 0..<14 {
                let choices = position < 13 ? TicketCode.alphabet : TicketCode.checkAlphabet
                for replacement in choices where replacement != code[position] {
                    var typo = code
                    typo[position] = replacement
                    #expect(TicketCode.normalize(String(decoding: typo, as: UTF8.self)) == nil)
                }
            }
        }
    }

    @Test func everySwapOfNeighboursIsCaught() {
        for _ in 0..<50 {
            let code = Array(TicketCode.make().utf8)
            for position in 0..<13 where code[position] != code[position + 1] {
                var swapped = code
                swapped.swapAt(position, position + 1)
                #expect(TicketCode.normalize(String(decoding: swapped, as: UTF8.self)) == nil)
            }
        }
    }

    @Test(arguments: [
        "", "../../etc/passwd", String(repeating: "A", count: 100), "ABCDEFGHJKMNPQ", "0000000000000",
        "00000000000000000", "00000000000Ü01", "０００００００００００００",
    ])
    func junkIsNotACode(text: String) {
        #expect(TicketCode.normalize(text) == nil)
        #expect(!TicketCode.isValid(text))
    }

    @Test func onlyTheCanonicalFormIsValid() {
        let code = TicketCode.make()
        #expect(!TicketCode.isValid(code.lowercased()) || code.lowercased() == code)
        #expect(!TicketCode.isValid(String(code.prefix(4)) + "-" + String(code.dropFirst(4))))
    }
}
