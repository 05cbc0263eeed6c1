import Testing

@testable import Common

@Suite("Byte encodings")
struct ByteEncodingTests {
    // RFC 4648 §10 test vectors.
    @Test(arguments: [
        ("", "", ""), ("f", "my", "Zg"), ("fo", "mzxq", "Zm8"), ("foo", "mzxw6", "Zm9v"),
        ("foob", "mzxw6yq", "Zm9vYg"), ("fooba", "mzxw6ytb", "Zm9vYmE"), ("foobar", "mzxw6ytboi", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(text: String, base32: String, base64: String) {
        #expect(ByteEncoding.base32(Array(text.utf8)) == base32)
        #expect(ByteEncoding.base64URL(Array(text.utf8)) == base64)
        #expect(ByteEncoding.bytes(base64URL: base64) == Array(text.utf8))
    }

    @Test(arguments: ["Zg==", "Zm9v+", "Zm9v/", "Z", "Zm9vY", "Zh", "Zm9 v", "Zm9v\u{E9}"])
    func base64URLDecodingRefusesOtherText(text: String) {
        #expect(ByteEncoding.bytes(base64URL: text) == nil)
    }

    @Test func base64URLUsesTheURLSafeAlphabet() {
        #expect(ByteEncoding.base64URL([0xFB, 0xFF, 0xBF]) == "-_-_")
    }

    @Test func hexIsLowerCase() {
        #expect(ByteEncoding.hex([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
    }

    @Test func secureRandomGivesTheRequestedCount() {
        for count in [0, 1, 7, 8, 9, 16, 33] { #expect(SecureRandom.bytes(count).count == count) }
        #expect(SecureRandom.bytes(16) != SecureRandom.bytes(16))
    }
}
