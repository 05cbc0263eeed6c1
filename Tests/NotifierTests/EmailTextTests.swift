import Common
import FoundationEssentials
import Testing

@testable import Notifier

@Suite("Times and values in emails")
struct EmailTextTests {
    @Test func anEventTimeIsShownInTheVenuesZone() {
        // 2026-12-01T18:00:00Z
        #expect(EmailComposer.format(1_796_148_000, zone: "Europe/London") == "Tuesday 1 December 2026, 18:00 GMT")
        #expect(EmailComposer.format(1_796_148_000, zone: "Europe/Berlin") == "Tuesday 1 December 2026, 19:00 CET")
        #expect(EmailComposer.format(1_796_148_000, zone: "Asia/Kolkata") == "Tuesday 1 December 2026, 23:30 IST")
    }

    @Test func theDateHeaderIsRFC5322InUTC() {
        #expect(EmailMessage.rfc5322(Date(timeIntervalSince1970: 1_796_148_000)) == "Tue, 01 Dec 2026 18:00:00 +0000")
    }

    @Test func aPayloadValueIsReadFromItsJSONObject() {
        #expect(EmailComposer.payloadValue(#"{"holdId":"h_1","entryId":"w_2"}"#, "holdId") == "h_1")
        #expect(EmailComposer.payloadValue(#"{"holdId":"h_1"}"#, "oldStartsAt") == nil)
        #expect(EmailComposer.payloadValue("not json", "holdId") == nil)
    }
}
