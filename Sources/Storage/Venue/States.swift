public import Auth
public import SQLite

// The states a venue file stores, one enum per column. The raw values are the strings the
// CHECK constraints of `VenueSchema` and `AuthSchema` list, so a value is bound and read as
// its raw value, and a state no case names is a read error (`SQLDecodingError`).

/// A hold's state: `active` until its payment starts, `paying` while the charge runs.
public enum HoldState: String, Sendable, CaseIterable, SQLColumnValue {
    case active, paying
}

/// A booking's status.
public enum BookingStatus: String, Sendable, CaseIterable, SQLColumnValue {
    case confirmed, cancelled
}

/// A payment's state: `charging` from before the provider is called until it answers;
/// `abandoned` when its request ended before the charge reached the provider (no money moved).
public enum PaymentState: String, Sendable, CaseIterable, SQLColumnValue {
    case charging, declined, captured, refunded, abandoned
}

/// An event's status.
public enum EventStatus: String, Sendable, CaseIterable, SQLColumnValue {
    case scheduled, cancelled
}

/// What an outbox message describes (written in the same transaction as the change).
public enum OutboxKind: String, Sendable, CaseIterable, SQLColumnValue {
    case venueCreated = "venue_created"
    case eventChanged = "event_changed"
    case eventMoved = "event_moved"
    case eventCancelled = "event_cancelled"
    case bookingConfirmed = "booking_confirmed"
    case bookingCancelled = "booking_cancelled"
    case waitlistMatch = "waitlist_match"
}

/// Where the delivery of an outbox message stands.
public enum OutboxStatus: String, Sendable, CaseIterable, SQLColumnValue {
    case pending, delivered, failed, skipped
}

extension SectionRecord.Kind: SQLColumnValue {}

// Auth owns the roles and knows nothing of SQL; Storage stores them.
extension Role: SQLColumnValue {}
