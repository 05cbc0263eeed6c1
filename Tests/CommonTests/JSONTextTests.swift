import Foundation
import Testing

@testable import Common

@Suite("JSON text built by hand")
struct JSONTextTests {
    /// What a JSON parser reads back from `JSONText.quoted(text)`.
    func parsed(_ text: String) throws -> String {
        try JSONDecoder().decode(String.self, from: Data(JSONText.quoted(text).utf8))
    }

    @Test(arguments: ["", "b_01JDX7Q8N3ZK5", "/api/venues/arena/bookings", "Ünïcödé – ok ✓", "€ and 😀"])
    func plainTextIsQuotedAsIs(text: String) throws {
        #expect(JSONText.quoted(text) == "\"" + text + "\"")
        #expect(try parsed(text) == text)
    }

    @Test(arguments: ["say \"hi\"", "back\\slash", "line\nbreak\r\t", "nul\u{0}bell\u{7}", "sep\u{2028}para\u{2029}", "\u{1F}</script>"])
    func hostileTextIsEscapedAndReadsBackTheSame(text: String) throws {
        let quoted = JSONText.quoted(text)
        #expect(try parsed(text) == text)
        // Nothing a JavaScript string or a log line would break on stays raw.
        #expect(!quoted.dropFirst().dropLast().unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
    }

    @Test func anObjectKeepsItsMembersInOrder() throws {
        #expect(JSONText.object(["b": "1", "a": "x\"y"]) == #"{"b":"1","a":"x\"y"}"#)
    }
}
