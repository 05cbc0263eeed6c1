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

@Suite("Attachments")
struct EmailAttachmentTests {
    private func message(attachments: [EmailMessage.Attachment]) -> String {
        let message = EmailMessage(
            from: "bookings@example.org", to: "ann@example.org", subject: "Your tickets", text: "Hello", html: "<p>Hello</p>",
            messageID: "outbox-hall-1@booking", date: Date(timeIntervalSince1970: 1_796_148_000), attachments: attachments)
        return String(decoding: message.bytes, as: UTF8.self)
    }

    @Test func withoutAttachmentsTheMessageIsTheAlternativeAlone() {
        let text = message(attachments: [])
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"=_booking_outboxhall1booking\""))
        #expect(!text.contains("multipart/mixed"))
    }

    @Test func attachmentsGoBesideTheAlternativeInAMixedMessage() throws {
        let pdf = [UInt8](repeating: 0x25, count: 200)
        let text = message(attachments: [
            .init(fileName: "tickets-b_1.pdf", contentType: "application/pdf", bytes: pdf),
            .init(
                fileName: "event\r\nBcc: x@y.z.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", bytes: Array("BEGIN:VCALENDAR".utf8)
            ),
        ])
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("Content-Type: multipart/mixed; boundary=\"=_booking_outboxhall1booking\""))
        #expect(lines.contains("Content-Type: multipart/alternative; boundary=\"=_booking_outboxhall1booking_alt\""))
        #expect(lines.contains("Content-Disposition: attachment; filename=\"tickets-b_1.pdf\""))
        #expect(lines.contains("Content-Type: text/calendar; charset=utf-8; method=PUBLISH; name=\"eventBccxy.z.ics\""))
        #expect(lines.last(where: { !$0.isEmpty }) == "--=_booking_outboxhall1booking--")
        // The PDF's base64, in lines of 76 characters, decodes to its bytes.
        let start = try #require(lines.firstIndex(of: "Content-Disposition: attachment; filename=\"tickets-b_1.pdf\"")) + 3
        let body = lines[start...].prefix { !$0.hasPrefix("--") }
        #expect(body.dropLast().allSatisfy { $0.count == 76 })
        #expect(Data(base64Encoded: body.joined()).map(Array.init) == pdf)
    }
}
