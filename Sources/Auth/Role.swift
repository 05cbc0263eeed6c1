/// Who may do what: customers book, organizers run venues, admins (made from the command
/// line only) may do everything.
public enum Role: String, Sendable, Codable, CaseIterable {
    case customer, organizer, admin

    /// Roles a person may pick when signing up.
    public var isSelfRegistrable: Bool { self != .admin }
}
