import Testing
@testable import Auth

@Suite("Random ids")
struct RandomIDTests {
    @Test func idsArePrefixedLowerCaseBase32() {
        let ids = (0..<1000).map { _ in RandomID.make(prefix: "u_") }
        #expect(Set(ids).count == 1000)
        for id in ids {
            #expect(id.hasPrefix("u_"))
            let body = id.dropFirst(2)
            #expect(body.count == 20, "96 bits in 5-bit characters")
            #expect(body.utf8.allSatisfy(ByteEncoding.base32Alphabet.contains))
        }
    }

    @Test(arguments: [(1, 2), (5, 8), (12, 20), (16, 26), (20, 32)])
    func lengthFollowsTheByteCount(bytes: Int, characters: Int) {
        #expect(RandomID.make(prefix: "", bytes: bytes).count == characters)
    }
}
