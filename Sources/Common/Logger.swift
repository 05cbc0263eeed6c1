import FoundationEssentials
import Glibc

/// One JSON object per line on stderr, for journald. Callers pass no secrets: tokens,
/// passwords and hashes are never given to the logger.
package struct Logger: Sendable {
    package let component: String

    package init(component: String) { self.component = component }

    package func info(_ message: String, _ fields: KeyValuePairs<String, String>) { write("info", message, fields) }
    package func error(_ message: String, _ fields: KeyValuePairs<String, String>) { write("error", message, fields) }

    /// Built by hand: this runs once per request, and JSONSerialization was a fifth of a
    /// worker's time on the booking path.
    package func write(_ level: String, _ message: String, _ fields: KeyValuePairs<String, String>) {
        var line =
            "{\"time\":\"" + RFC3339.string(fromSeconds: Int(Date().timeIntervalSince1970)) + "\",\"level\":\"" + level
            + "\",\"component\":" + JSONText.quoted(component) + ",\"msg\":" + JSONText.quoted(message)
        for (key, value) in fields { line += "," + JSONText.quoted(key) + ":" + JSONText.quoted(value) }
        line += "}\n"
        writeStandardError(line)
    }
}

/// Writes `text` to stderr with one `write(2)` so lines from several processes do not interleave.
package func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
}
