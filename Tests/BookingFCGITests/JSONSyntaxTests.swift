import Testing
@testable import BookingFCGI

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

    @Test func refusesNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: JSONSyntax.maximumDepth + 1) + String(repeating: "]", count: JSONSyntax.maximumDepth + 1)
        let allowed = String(repeating: "[", count: JSONSyntax.maximumDepth) + String(repeating: "]", count: JSONSyntax.maximumDepth)
        #expect(!JSONSyntax.isWellFormed(Array(deep.utf8)))
        #expect(JSONSyntax.isWellFormed(Array(allowed.utf8)))
    }
}
