/// Who may do what: customers book, organizers run their venues and events, admins (made
/// from the command line only) may do everything. The raw value is what is stored and sent.
public enum Role: String, Sendable, Codable, CaseIterable {
    case customer, organizer, admin

    /// Whether a person may pick this role when registering; `admin` may not.
    public var isSelfRegistrable: Bool {
        switch self {
        case .customer, .organizer: true
        case .admin: false
        }
    }
}
