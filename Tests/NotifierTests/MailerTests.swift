import Common
import Foundation
import Testing

@testable import Notifier

@Suite("Handing a message to sendmail", .serialized)
struct MailerTests {
    /// A directory with a `sendmail` script running `body` (its arguments in "$@", the
    /// message on stdin), removed afterwards.
    private func withSendmail(_ body: String, _ test: (Mailer, URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("sendmail")
        // Written through a close-on-exec descriptor: a process another test starts meanwhile
        // must not inherit it open for writing (exec would then fail with ETXTBSY).
        let fd = open(script.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        #expect(fd >= 0)
        let text = Array("#!/bin/sh\ncd '\(directory.path)'\n\(body)\n".utf8)
        #expect(write(fd, text, text.count) == text.count)
        close(fd)
        try test(Mailer(sendmailPath: script.path, sender: "box@example.org"), directory)
    }

    @Test func passesTheEnvelopeAsArgumentsAndTheMessageOnStandardInput() throws {
        try withSendmail(#"printf '%s\n' "$@" > args; cat > message"#) { mailer, directory in
            let message = Array("Subject: hi\r\n\r\nhello\r\n".utf8)
            try mailer.send(to: "ann@example.org", message: message)
            let arguments = try String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8)
            #expect(arguments == "-i\n-f\nbox@example.org\n--\nann@example.org\n")
            #expect(try Array(Data(contentsOf: directory.appendingPathComponent("message"))) == message)
        }
    }

    @Test func startsSendmailWithDefaultSignalsAndOnlyItsThreeStreams() throws {
        signal(SIGPIPE, SIG_IGN)  // as the notifier does
        try withSendmail(#"grep -E '^SigIgn' /proc/self/status > ignored; ls /proc/self/fd > fds; cat > /dev/null"#) { mailer, directory in
            try mailer.send(to: "ann@example.org", message: [65])
            let ignored = try String(contentsOf: directory.appendingPathComponent("ignored"), encoding: .utf8)
            let mask = UInt64(ignored.split(separator: "\t").last!.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)!
            #expect(mask & (1 << (UInt64(SIGPIPE) - 1)) == 0)
            #expect(mask & (1 << (UInt64(SIGTERM) - 1)) == 0)
            // 0, 1, 2 and the one ls opens to list them.
            let fds = try String(contentsOf: directory.appendingPathComponent("fds"), encoding: .utf8).split(separator: "\n")
            #expect(fds.count == 4)
        }
    }

    @Test func reportsTheExitStatusAndWhatSendmailSaid() throws {
        try withSendmail("cat > /dev/null; echo '  mailbox unavailable  ' >&2; exit 75") { mailer, _ in
            #expect { try mailer.send(to: "ann@example.org", message: [65]) } throws: { error in
                "\(error)" == "sendmail exited with 75: mailbox unavailable"
            }
        }
    }

    /// Only a refusal of the message is permanent; a mail server that is down (EX_TEMPFAIL,
    /// as msmtp answers when it cannot connect) or a hung sendmail is retried until it is back.
    @Test(arguments: [("exit 75", false), ("exit 67", true), ("exit 1", true), ("kill -9 $$", false)])
    func tellsATemporaryFailureFromARefusal(script: String, permanent: Bool) throws {
        try withSendmail("cat > /dev/null; \(script)") { mailer, _ in
            #expect { try mailer.send(to: "ann@example.org", message: [65]) } throws: { error in
                (error as? Mailer.Failure)?.permanent == permanent
            }
        }
    }

    @Test func stopsASendmailThatHangs() throws {
        try withSendmail("exec sleep 30") { mailer, _ in
            var quick = mailer
            quick.timeoutSeconds = 1
            let started = Date()
            #expect { try quick.send(to: "ann@example.org", message: [65]) } throws: { error in
                "\(error)" == "sendmail did not finish within 1 s"
            }
            #expect(Date().timeIntervalSince(started) < 10)
        }
    }

    @Test func stopsWhatAHungSendmailStartedToo() throws {
        try withSendmail("sleep 30 & echo $! > child; wait") { mailer, directory in
            var quick = mailer
            quick.timeoutSeconds = 1
            #expect(throws: Mailer.Failure.self) { try quick.send(to: "ann@example.org", message: [65]) }
            let child = try #require(
                Int32(
                    String(contentsOf: directory.appendingPathComponent("child"), encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)))
            usleep(100_000)
            // Gone, or a zombie its new parent has not reaped yet.
            let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ")[2]
            #expect(state == nil || state == "Z", "the MTA's child was left running")
        }
    }

    @Test func doesNotWaitForChildrenThatKeepItsOutputOpen() throws {
        try withSendmail("cat > /dev/null; (sleep 30 &) ; exit 0") { mailer, _ in
            let started = Date()
            try mailer.send(to: "ann@example.org", message: [65])
            #expect(Date().timeIntervalSince(started) < 5)
        }
    }

    @Test(arguments: ["-oQ/tmp@x", "no-at-sign", "ann @example.org", "ann@example.org\nBcc: eve@example.org"])
    func refusesAnUnsafeRecipient(recipient: String) throws {
        try withSendmail("touch ran") { mailer, directory in
            #expect(throws: Mailer.Failure.self) { try mailer.send(to: recipient, message: [65]) }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("ran").path))
        }
    }

    @Test func reportsASendmailThatCannotStart() {
        let mailer = Mailer(sendmailPath: "/nonexistent/sendmail", sender: "box@example.org")
        #expect(throws: Mailer.Failure.self) { try mailer.send(to: "ann@example.org", message: [65]) }
    }
}
