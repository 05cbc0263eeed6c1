import Testing

@testable import Documents
@testable import Storage

@Suite("The attendee list")
struct AttendeeListTests {
    @Test func aRecordPerTicketWithTheAccountsContactsAndErasedOnesBlank() {
        let list = AttendeeList(
            eventID: "e_1/../x",
            attendees: [
                AttendeeRecord(
                    code: "AAAA", customerID: "u_1", sectionID: "stalls", seatID: "stalls-A-7", price: 4500, bookedAt: 1_796_738_400,
                    checkedInAt: 1_796_742_000),
                AttendeeRecord(
                    code: "BBBB", customerID: "u_gone", sectionID: "floor", seatID: nil, price: 0, bookedAt: 1_796_738_400, checkedInAt: nil),
            ],
            contacts: ["u_1": Contact(name: "=HYPERLINK(\"http://x\")", email: "ann@example.com")])
        #expect(list.fileName == "e_1x-attendees.csv")
        #expect(
            String(decoding: list.bytes, as: UTF8.self)
                == "code,name,email,section,seat,price,bookedAt,checkedInAt\r\n"
                + "AAAA,\"'=HYPERLINK(\"\"http://x\"\")\",ann@example.com,stalls,stalls-A-7,4500,2026-12-08T14:00:00Z,2026-12-08T15:00:00Z\r\n"
                + "BBBB,,,floor,,0,2026-12-08T14:00:00Z,\r\n")
    }
}
