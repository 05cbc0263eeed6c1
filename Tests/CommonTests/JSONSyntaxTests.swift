import Testing

@testable import Common

@Suite("Well-formed JSON (RFC 8259)")
struct JSONSyntaxTests {
    @Test(arguments: [
        #"{}"#, #"[]"#, #" { "a" : [1, -0, 0.5, 1e400, -2.5E-3, true, false, null, "x"] } "#, #""\u00e9\n\"\\\/""#,
        "1", "-0", "\"caf\u{E9}\"", #"{"eventId":"e_1","seats":["A-1","A-2"],"ga":[{"section":"floor","quantity":2}]}"#,
        "\r\n\t[ ]\n",
    ])
    func acceptsWellFormedText(text: String) {
        #expect(JSONSyntax.isWellFormed(Array(text.utf8)))
    }

    @Test(arguments: [
        "", " ", #"{"a": 1,}"#, "[1,]", "[,1]", #"{"a" 1}"#, #"{a: 1}"#, "{'a': 1}", "01", "1.", ".5", "+1", "-", "1e", "1e+",
        "0x10", "NaN", "Infinity", "tru", "nulls", "[1] [2]", #""unterminated"#, "\"tab\there\"", #""\x""#, #""\u12g4""#,
        "[", "]", #"{"a":1"#, "/* comment */ {}", "{} // comment", "\u{0}",
    ])
    func refusesWhatDecodersForgive(text: String) {
        #expect(!JSONSyntax.isWellFormed(Array(text.utf8)))
    }

    @Test func checksTheUTF8OfStrings() {
        #expect(JSONSyntax.isWellFormed(Array("[\"caf\u{E9} \u{20AC} \u{1F3AD}\"]".utf8)))
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
            #expect(!JSONSyntax.isWellFormed([0x22] + bad + [0x22]), "\(bad)")
        }
        #expect(!JSONSyntax.isWellFormed([0xC3, 0xA9]), "a byte above 0x7F outside a string")
    }

    @Test func ignoresAByteOrderMark() {
        #expect(JSONSyntax.isWellFormed([0xEF, 0xBB, 0xBF] + Array("{}".utf8)))
        #expect(!JSONSyntax.isWellFormed([0xEF, 0xBB, 0xBF]))
        #expect(!JSONSyntax.isWellFormed([0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D]), "UTF-16")
    }

    @Test func refusesNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: JSONSyntax.maximumDepth + 1) + String(repeating: "]", count: JSONSyntax.maximumDepth + 1)
        let allowed = String(repeating: "[", count: JSONSyntax.maximumDepth) + String(repeating: "]", count: JSONSyntax.maximumDepth)
        #expect(!JSONSyntax.isWellFormed(Array(deep.utf8)))
        #expect(JSONSyntax.isWellFormed(Array(allowed.utf8)))
    }
}
