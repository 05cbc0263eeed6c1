import FoundationEssentials
import Runtime

/// A MIME email with a plain-text and an HTML part. Header values are stripped of control
/// characters and RFC 2047-encoded when not plain ASCII, so no data can inject headers.
struct EmailMessage {
    let from: String
    let to: String
    let subject: String
    let text: String
    let html: String
    /// Stable per outbox message, so a duplicate delivery is recognisable.
    let messageID: String
    let date: Date

    var bytes: [UInt8] {
        let boundary = "=_booking_" + messageID.filter { $0.isLetter || $0.isNumber }
        var lines = [
            "From: " + Self.header(from),
            "To: " + Self.header(to),
            "Subject: " + Self.header(subject),
            "Date: " + Self.rfc5322(date),
            "Message-ID: <" + Self.header(messageID) + ">",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += Self.base64Lines(text)
        lines += ["--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        lines += Self.base64Lines(html)
        lines += ["--\(boundary)--", ""]
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

    private static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }
}
