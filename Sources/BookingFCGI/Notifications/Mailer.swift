import Foundation

/// Sends mail through the system's `sendmail` interface, called exactly as DESIGN.md says:
/// `sendmail -i -f <sender> -- <recipient>`, never `-t` (recipients are never read from
/// headers), so nothing in a message can add a recipient.
struct Mailer {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let sendmailPath: String
    let sender: String

    func send(to recipient: String, message: [UInt8]) throws {
        guard !recipient.hasPrefix("-"), recipient.contains("@"),
              recipient.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw Failure(description: "refusing an unsafe recipient address")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sendmailPath)
        process.arguments = ["-i", "-f", sender, "--", recipient]
        // The message is read from a file, not a pipe: if the notifier dies mid-message,
        // sendmail still reads all of it (through a pipe it would send a truncated mail).
        let input = try Self.unlinkedFile(holding: message)
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        try input.close()
        // A hung MTA must not stall every other notification.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let detail = String(decoding: stderr.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "sendmail exited with \(process.terminationStatus): \(detail)")
        }
    }

    /// A temporary file, already unlinked, holding `bytes`, positioned at its start.
    private static func unlinkedFile(holding bytes: [UInt8]) throws -> FileHandle {
        var template = Array((NSTemporaryDirectory() + "/booking-mail-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(description: "cannot create a temporary file for the message: errno \(errno)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: Data(bytes))
        try handle.seek(toOffset: 0)
        return handle
    }
}
