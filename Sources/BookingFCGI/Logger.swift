import Foundation
import Glibc

/// One JSON object per line on stderr, for journald. Callers pass no secrets: tokens,
/// passwords and hashes are never given to the logger.
struct Logger: Sendable {
    let component: String

    func info(_ message: String, _ fields: [String: String]) { write("info", message, fields) }
    func error(_ message: String, _ fields: [String: String]) { write("error", message, fields) }

    func write(_ level: String, _ message: String, _ fields: [String: String]) {
        var object = fields
        object["level"] = level
        object["msg"] = message
        object["component"] = component
        object["time"] = RFC3339.string(from: Date())
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// Writes `text` to stderr with one `write(2)` so lines from several processes do not interleave.
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
}
