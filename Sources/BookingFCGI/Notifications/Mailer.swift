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
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // A hung MTA must not stall every other notification.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        try input.fileHandleForWriting.write(contentsOf: Data(message))
        try input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let detail = String(decoding: stderr.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "sendmail exited with \(process.terminationStatus): \(detail)")
        }
    }
}
