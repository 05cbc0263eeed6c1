import Common
import Storage

/// An event's attendee list as a CSV file (`attendees.csv`): a header and one record per ticket
/// of a confirmed booking. Prices are minor units of the event's currency, as in the API;
/// times RFC 3339 in UTC; a ticket of an erased account keeps its row with no name or email.
package struct AttendeeList {
    package static let columns = ["code", "name", "email", "section", "seat", "price", "bookedAt", "checkedInAt"]

    package let eventID: String
    package let attendees: [AttendeeRecord]
    /// The accounts' names and addresses by customer id.
    package let contacts: [String: Contact]

    package init(eventID: String, attendees: [AttendeeRecord], contacts: [String: Contact]) {
        self.eventID = eventID
        self.attendees = attendees
        self.contacts = contacts
    }

    /// The name a download carries.
    package var fileName: String { "\(BookingDetails.fileNamePart(eventID))-attendees.csv" }

    /// The file, UTF-8.
    package var bytes: [UInt8] {
        var writer = CSVWriter()
        writer.append(Self.columns)
        for attendee in attendees {
            let contact = contacts[attendee.customerID]
            writer.append([
                attendee.code, contact?.name ?? "", contact?.email ?? "", attendee.sectionID, attendee.seatID ?? "",
                String(attendee.price), RFC3339.string(fromSeconds: attendee.bookedAt),
                attendee.checkedInAt.map(RFC3339.string(fromSeconds:)) ?? "",
            ])
        }
        return writer.bytes
    }
}
