import FoundationEssentials
import Storage

/// `GET .../events/{eventId}/report` (API.md, "Seats, best available, reports"). Money in minor
/// units of `currency`; `revenue` is net of refunds (only tickets still sold count) and
/// `refunded` what cancelled bookings gave back; `hour` is the start of an hour in UTC.
struct ReportView: Encodable {
    struct SectionView: Encodable {
        let section: String
        let capacity: Int
        let sold: Int
        let held: Int
        let free: Int
        let checkedIn: Int
        let revenue: Int
    }
    struct HourView: Encodable {
        let hour: Date
        let tickets: Int
        let revenue: Int
    }
    let currency: String
    let sections: [SectionView]
    let salesByHour: [HourView]
    let sold: Int
    let revenue: Int
    let refunded: Int
    let checkedIn: Int

    init(_ report: EventReport) {
        currency = report.currency
        sections = report.sections.map {
            SectionView(
                section: $0.sectionID, capacity: $0.capacity, sold: $0.sold, held: $0.held, free: $0.free, checkedIn: $0.checkedIn,
                revenue: $0.revenue)
        }
        salesByHour = report.salesByHour.map {
            HourView(hour: Date(timeIntervalSince1970: TimeInterval($0.hour)), tickets: $0.tickets, revenue: $0.revenue)
        }
        sold = report.sections.reduce(0) { $0 + $1.sold }
        revenue = report.sections.reduce(0) { $0 + $1.revenue }
        refunded = report.refunded
        checkedIn = report.checkedIn
    }
}
