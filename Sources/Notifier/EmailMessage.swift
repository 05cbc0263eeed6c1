import FoundationEssentials
import Runtime

/// A MIME email with a plain-text and an HTML part (multipart/alternative), and its
/// attachments, when it has any, beside them (multipart/mixed). Header values are stripped
/// of control characters and RFC 2047-encoded when not plain ASCII, so no data can inject
/// headers.
struct EmailMessage {
    /// A file sent with the message: the tickets' PDF, a calendar file.
    struct Attachment {
        /// Letters, digits, `-`, `_` and `.` only (it is placed in headers as it is).
        let fileName: String
        /// With its parameters, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
        let contentType: String
        let bytes: [UInt8]
    }

    let from: String
    let to: String
    let subject: String
    let text: String
    let html: String
    /// Stable per outbox message, so a duplicate delivery is recognisable.
    let messageID: String
    let date: Date
    var attachments: [Attachment] = []

    var bytes: [UInt8] {
        let boundary = "=_booking_" + messageID.filter { $0.isLetter || $0.isNumber }
        var lines = [
            "From: " + Self.header(from),
            "To: " + Self.header(to),
            "Subject: " + Self.header(subject),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <" + Self.header(messageID) + ">",
            "MIME-Version: 1.0",
        ]
        let alternative = attachments.isEmpty ? boundary : boundary + "_alt"
        if !attachments.isEmpty {
            lines += ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "", "--\(boundary)"]
        }
        lines += [
            "Content-Type: multipart/alternative; boundary=\"\(alternative)\"",
            "",
            "--\(alternative)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Self.base64Lines(Array(text.utf8))
        lines += ["--\(alternative)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += Self.base64Lines(Array(html.utf8))
        lines += ["--\(alternative)--"]
        for attachment in attachments {
            let name = attachment.fileName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            lines += [
                "--\(boundary)",
                "Content-Type: " + Self.header(attachment.contentType) + "; name=\"\(name)\"",
                "Content-Disposition: attachment; filename=\"\(name)\"",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += Self.base64Lines(attachment.bytes)
        }
        if !attachments.isEmpty { lines += ["--\(boundary)--"] }
        lines += [""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// A header value without control characters, encoded-word form when not ASCII.
    static func header(_ value: String) -> String {
        let clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        guard clean.unicodeScalars.contains(where: { $0.value > 0x7E }) else { return clean }
        // One encoded word per chunk of at most 45 bytes keeps each within 75 characters.
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322(_ date: Date) -> String {
        TimeZoneDatabase.format(Int(date.timeIntervalSince1970), zone: "UTC", "%a, %d %b %Y %H:%M:%S +0000")
    }

    /// Base64 in lines of 76 characters (RFC 2045).
    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
    }
}
