internal import SQLite

/// The books of the simulated payment provider (`simulated-payments.sqlite`): what a real
/// provider keeps on its side. One row per payment id, written by the first charge and never
/// again by a repeat, so the same payment id is charged at most once and every repeat hears
/// the first outcome; `attempts` counts the calls. It stands for a system outside ours, so it
/// commits without a flush (`synchronous=NORMAL`: it survives the crash of any process).
public final class SimulatedPaymentLedger {
    /// What the provider did with a payment id.
    public enum Outcome: Sendable, Equatable {
        case charged(reference: String)
        case declined(reason: String)
        /// Charged, then given back.
        case refunded
    }

    /// A charge as asked: the payment id, the amount and the outcome the provider decided on
    /// should this be the first call with this id.
    public struct Charge: Sendable {
        public let paymentID: String
        public let amount: Int
        public let currency: String
        public let decision: Outcome
        public init(paymentID: String, amount: Int, currency: String, decision: Outcome) {
            self.paymentID = paymentID
            self.amount = amount
            self.currency = currency
            self.decision = decision
        }
    }

    /// One row of the books, for audits (tests, `check`).
    public struct Entry: Sendable, Equatable {
        public let paymentID: String
        public let amount: Int
        public let outcome: Outcome
        public let attempts: Int
    }

    private let database: Database

    static let migrations = Migrations([
        """
        CREATE TABLE charge (
            payment_id  TEXT PRIMARY KEY,
            amount      INTEGER NOT NULL,
            currency    TEXT NOT NULL,
            outcome     TEXT NOT NULL CHECK (outcome IN ('charged', 'declined', 'refunded')),
            reason      TEXT,
            attempts    INTEGER NOT NULL DEFAULT 1,
            created_at  INTEGER NOT NULL,
            refunded_at INTEGER
        ) WITHOUT ROWID;
        """
    ])

    public init(path: String) throws {
        database = try Database(path: path, create: true, synchronous: .normal)
        try Self.migrations.apply(to: database)
    }

    /// Records each charge whose payment id is new with its decision, counts a repeat as an
    /// attempt, and returns each id's first outcome; one transaction for all.
    public func charge(_ charges: [Charge], now: Int) throws -> [Outcome] {
        try database.write { connection in
            try charges.map { charge in
                let (outcome, reason) = Self.columns(charge.decision)
                return try connection.prepare(
                    """
                    INSERT INTO charge (payment_id, amount, currency, outcome, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (payment_id) DO UPDATE SET attempts = attempts + 1
                    RETURNING payment_id, amount, outcome, reason, attempts
                    """
                ).bind(charge.paymentID, charge.amount, charge.currency, outcome, reason, now).first(Self.entry)!.outcome
            }
        }
    }

    /// The outcome of a payment id, nil when no charge with it ever arrived.
    public func outcome(of paymentID: String) throws -> Outcome? {
        try database.connection.prepare("SELECT payment_id, amount, outcome, reason, attempts FROM charge WHERE payment_id = ?")
            .bind(paymentID).first(Self.entry)?.outcome
    }

    /// Gives a charged payment's money back; a no-op for anything else (refunds are repeated
    /// safely).
    public func refund(paymentID: String, now: Int) throws {
        try database.write { connection in
            try connection.prepare("UPDATE charge SET outcome = ?, refunded_at = ? WHERE payment_id = ? AND outcome = ?")
                .bind(Stored.refunded, now, paymentID, Stored.charged).run()
        }
    }

    /// Every row, by payment id.
    public func entries() throws -> [Entry] {
        try database.connection.prepare("SELECT payment_id, amount, outcome, reason, attempts FROM charge ORDER BY payment_id").map(Self.entry)
    }

    /// The `outcome` column.
    private enum Stored: String, SQLColumnValue {
        case charged, declined, refunded
    }

    private static func columns(_ outcome: Outcome) -> (Stored, String?) {
        switch outcome {
        case .charged: (.charged, nil)
        case .declined(let reason): (.declined, reason)
        case .refunded: (.refunded, nil)
        }
    }

    private static func entry(_ row: Row) throws -> Entry {
        let paymentID = row.string(0)
        let outcome: Outcome =
            switch try row.value(2, as: Stored.self) {
            case .charged: .charged(reference: "sim_" + paymentID)
            case .declined: .declined(reason: row.optionalString(3) ?? "declined")
            case .refunded: .refunded
            }
        return Entry(paymentID: paymentID, amount: row.int(1), outcome: outcome, attempts: row.int(4))
    }
}
