import FoundationEssentials
import Storage

/// The email about an account itself: a reset link, and the notices that its password or
/// address changed (each tells what to do if it was not the owner).
struct AccountEmailComposer {
    let from: String
    let publicURL: String
    /// The name the notices are signed with.
    var signature = "Booking"

    /// A reset link for `token`, valid for `minutes`.
    func reset(to user: UserRecord, token: String, minutes: Int, messageID: String) -> EmailMessage {
        message(
            to: user.email, name: user.name, subject: "Choose a new password", messageID: messageID,
            lines: [
                "Someone, hopefully you, asked to reset the password of your account.",
                "Choose a new one here within \(minutes) minutes; the link works once:",
                "\(publicURL)/#/reset?token=\(token)",
                "",
                "If you did not ask, ignore this email: your password stays as it is.",
            ])
    }

    func passwordChanged(to user: UserRecord, messageID: String) -> EmailMessage {
        message(
            to: user.email, name: user.name, subject: "Your password was changed", messageID: messageID,
            lines: [
                "The password of your account was just changed, and every other sign-in ended.",
                "If this was not you, reset your password now:",
                "\(publicURL)/#/forgot",
            ])
    }

    /// Sent to the old address.
    func emailChanged(to oldAddress: String, user: UserRecord, newAddress: String, messageID: String) -> EmailMessage {
        message(
            to: oldAddress, name: user.name, subject: "Your email address was changed", messageID: messageID,
            lines: [
                "The email address of your account was changed from \(oldAddress) to \(newAddress).",
                "Tickets and messages now go to the new address.",
                "If this was not you, reply to this email at once.",
            ])
    }

    private func message(to address: String, name: String, subject: String, messageID: String, lines body: [String]) -> EmailMessage {
        let lines = ["Hello \(name),", ""] + body + ["", "— \(signature)"]
        let html =
            "<!doctype html><html><body><h1>" + EmailComposer.escape(subject) + "</h1>"
            + lines.map { "<p>" + Self.linkingTheURL(EmailComposer.escape($0)) + "</p>" }.joined() + "</body></html>"
        return EmailMessage(
            from: from, to: address, subject: subject, text: lines.joined(separator: "\n"), html: html, messageID: messageID, date: Date())
    }

    /// A line that is a URL (every link here has a line of its own) as a link; already escaped.
    private static func linkingTheURL(_ line: String) -> String {
        guard line.hasPrefix("http://") || line.hasPrefix("https://") else { return line }
        return "<a href=\"" + line + "\">" + line + "</a>"
    }
}
