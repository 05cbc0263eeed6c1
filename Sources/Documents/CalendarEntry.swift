import Runtime

/// A booking's event as an RFC 5545 calendar file, in the venue's time zone. Every file of
/// one booking describes the same entry (one UID), so a calendar that imported the
/// confirmation's file replaces it with a change's (a higher SEQUENCE) and removes it on
/// cancellation (METHOD:CANCEL, STATUS:CANCELLED).
package struct CalendarEntry: Sendable {
    /// What the file is for (RFC 5546's methods).
    package enum Method: String, Sendable {
        /// The entry as it stands: the confirmation and the download.
        case publish = "PUBLISH"
        /// An update of the entry sent to its holder: the event moved.
        case request = "REQUEST"
        /// The entry is withdrawn: the booking or the event is cancelled.
        case cancel = "CANCEL"
    }

    let details: BookingDetails
    let method: Method
    /// The host part of the UID (the public URL's host), so UIDs are unique beyond this system.
    let host: String
    /// The venue's address as ORGANIZER, and the customer's as ATTENDEE of an update.
    let organizer: String
    let attendee: (name: String, email: String)?
    let publicURL: String
    /// When the file is made (DTSTAMP), Unix seconds.
    let now: Int

    package init(
        _ details: BookingDetails, method: Method, publicURL: String, organizer: String, attendee: (name: String, email: String)? = nil, now: Int
    ) {
        self.details = details
        self.method = method
        self.host = Self.host(of: publicURL)
        self.publicURL = publicURL
        self.organizer = organizer
        self.attendee = attendee
        self.now = now
    }

    /// `<booking>.<venue>@<host>`: stable for the booking's life, whatever changes.
    package var uid: String { "\(details.booking.id).\(details.venue.id)@\(host)" }

    /// The whole file: CRLF line endings, long lines folded at 75 octets.
    package var text: String {
        let event = details.event
        let zone = details.venue.timezone
        let cancelled = method == .cancel || details.booking.status == .cancelled || event.status == .cancelled
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//booking//tickets//EN", "CALSCALE:GREGORIAN", "METHOD:\(method.rawValue)"]
        lines += Self.timeZone(zone, from: event.startsAt, to: event.endsAt ?? event.startsAt)
        lines += [
            "BEGIN:VEVENT",
            "UID:" + Self.escape(uid),
            "DTSTAMP:" + Self.utc(now),
            "SEQUENCE:\(details.sequence)",
            "DTSTART;TZID=\(Self.parameter(zone)):" + Self.local(event.startsAt, zone: zone),
        ]
        if let endsAt = event.endsAt { lines.append("DTEND;TZID=\(Self.parameter(zone)):" + Self.local(endsAt, zone: zone)) }
        let tickets = details.tickets.map { "\($0.code): \($0.sectionName), \($0.place)" }
        let url = "\(publicURL)/#/bookings/\(details.venue.id)/\(details.booking.id)"
        lines += [
            "SUMMARY:" + Self.escape(event.title),
            "LOCATION:" + Self.escape(details.place),
            "DESCRIPTION:" + Self.escape((["Booking \(details.booking.id)"] + tickets + [url]).joined(separator: "\n")),
            "URL:" + url,
            "STATUS:" + (cancelled ? "CANCELLED" : "CONFIRMED"),
            "TRANSP:OPAQUE",
            "ORGANIZER;CN=\(Self.parameter(details.venue.name)):mailto:\(organizer)",
        ]
        if let attendee, method != .publish {
            lines.append("ATTENDEE;CN=\(Self.parameter(attendee.name));RSVP=FALSE:mailto:\(attendee.email)")
        }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    package var bytes: [UInt8] { Array(text.utf8) }

    // MARK: RFC 5545 text

    /// A TEXT value: backslash, semicolon, comma and newlines escaped (3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default:
                // Other control characters have no place in a content line (3.1).
                if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A parameter value (a name in `CN=`, a zone): quoted when it holds `:;,`, without the
    /// characters a parameter value cannot hold (3.2: no control characters, no DQUOTE).
    static func parameter(_ value: String) -> String {
        let clean = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && $0 != "\"" }))
        return clean.contains(where: { ":;,".contains($0) }) ? "\"\(clean)\"" : clean
    }

    /// A content line folded after at most 75 octets, continuation lines starting with a
    /// space (3.1); a UTF-8 sequence is never split.
    static func fold(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                lines.append(current)
                current = " "
                octets = 1
            }
            current.append(character)
            octets += size
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// `20261205T183000Z`.
    static func utc(_ seconds: Int) -> String { TimeZoneDatabase.format(seconds, zone: "UTC", "%Y%m%dT%H%M%SZ") }

    /// `20261205T193000`: local time in `zone`, for a `TZID=` property.
    static func local(_ seconds: Int, zone: String) -> String { TimeZoneDatabase.format(seconds, zone: zone, "%Y%m%dT%H%M%S") }

    /// The VTIMEZONE of `zone` around the event: the observance in force a year before it
    /// starts and every change from then until it ends, so any reader can place its times
    /// without a copy of the tz database. Each observance starts at the local time before
    /// its change (TZOFFSETFROM's clock), as RFC 5545 3.6.5 counts it.
    static func timeZone(_ zone: String, from start: Int, to end: Int) -> [String] {
        let (initial, changes) = TimeZoneDatabase.transitions(zone: zone, from: start - 366 * 86400, to: end + 86400)
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + parameter(zone)]
        func observance(_ to: TimeZoneDatabase.Observance, from: TimeZoneDatabase.Observance, start: String) {
            let kind = to.isDaylight ? "DAYLIGHT" : "STANDARD"
            lines += [
                "BEGIN:\(kind)", "DTSTART:" + start, "TZOFFSETFROM:" + offset(from.offset), "TZOFFSETTO:" + offset(to.offset),
                "TZNAME:" + escape(to.name), "END:\(kind)",
            ]
        }
        observance(initial, from: initial, start: "19700101T000000")
        for change in changes {
            observance(change.to, from: change.from, start: TimeZoneDatabase.format(change.at + change.from.offset, zone: "UTC", "%Y%m%dT%H%M%S"))
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// `+0100`, `-0330`, `+054500` when seconds are needed.
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let (hours, minutes, rest) = (magnitude / 3600, magnitude % 3600 / 60, magnitude % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return sign + two(hours) + two(minutes) + (rest == 0 ? "" : two(rest))
    }

    /// The host of a URL such as `https://tickets.example.org:8443/x`.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? "localhost" : String(host.lowercased())
    }
}
