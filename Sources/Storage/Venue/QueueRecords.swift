/// How an organizer sets up the on-sale queue of an event.
public struct QueueSettings: Sendable, Equatable {
    /// From when buyers may join (at or before the sales start).
    public var opensAt: Int
    /// Buyers admitted per minute; 0: automatic (admitted buyers who have not booked stay
    /// within what is left to sell).
    public var admitPerMinute: Int
    /// How long an admission pass lasts.
    public var passMinutes: Int

    public init(opensAt: Int, admitPerMinute: Int, passMinutes: Int) {
        self.opensAt = opensAt
        self.admitPerMinute = admitPerMinute
        self.passMinutes = passMinutes
    }
}

/// The queue of one event as stored.
public struct QueueRecord: Sendable, Equatable {
    public let eventID: String
    public let settings: QueueSettings
    public let paused: Bool
    public let soldOut: Bool
    /// When the pre-queue was shuffled and numbered; nil before the sales start.
    public let numberedAt: Int?
    /// Everyone at or below this position is admitted.
    public let nowServing: Int
    /// The highest position given so far.
    public let lastPosition: Int
    /// Admissions earned at the set rate but not yet made, in 1/60 of a buyer.
    public let admitCredit: Int
    public let lastAdmitAt: Int?
}

/// One buyer's place in a queue.
public struct QueueEntryRecord: Sendable, Equatable {
    public let customerID: String
    public let joinedAt: Int
    /// Nil while the pre-queue waits for the draw.
    public let position: Int?
    public let admittedAt: Int?
    public let passExpiresAt: Int?
}

/// What the queue's rules see in one admission round, read inside the round's transaction.
public struct QueueSnapshot: Sendable {
    public let queue: QueueRecord
    public let event: EventRecord
    public let now: Int
    /// The customers who joined before the draw, when the draw is due (the sales started)
    /// and has not happened; empty otherwise.
    public let unnumbered: [String]
    /// Admitted buyers whose pass still runs and who have not booked.
    public let undecided: Int
    /// Passes that ran out unused and have not yet given their share of the rate back.
    public let expiredUnused: Int
    /// Seats and GA places neither sold nor held.
    public let placesLeft: Int
    public let liveHolds: Int
}

/// What one admission round does, as the rules decided.
public struct QueueStep: Sendable, Equatable {
    /// The order in which `unnumbered` get the next positions (the draw); nil: no draw.
    public var draw: [String]?
    /// How many more buyers "now serving" passes.
    public var admit: Int
    /// The admission credit left over.
    public var credit: Int
    public var soldOut: Bool

    public init(draw: [String]? = nil, admit: Int = 0, credit: Int = 0, soldOut: Bool = false) {
        self.draw = draw
        self.admit = admit
        self.credit = credit
        self.soldOut = soldOut
    }
}
