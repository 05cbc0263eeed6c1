internal import SQLite

/// One venue's database. Double sale is impossible by construction:
/// - a seat of an event is a row in `seat_claim` (PRIMARY KEY event + seat), owned either
///   by a hold or by a booking, never both, never twice;
/// - general admission is a counter in `ga_stock` under `CHECK (taken <= capacity)`.
/// Expired holds still own their claims until a writer purges them, but every reader
/// treats them as free (it compares `hold.expires_at` with now), and every writer purges
/// the expired holds of an event before it claims, inside the same transaction.
enum VenueSchema {
    static let migrations = Migrations([
        """
        CREATE TABLE venue (
            id         TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            city       TEXT,
            timezone   TEXT NOT NULL,
            owner_id   TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE section (
            id       TEXT PRIMARY KEY,
            name     TEXT NOT NULL,
            kind     TEXT NOT NULL CHECK (kind IN ('seated', 'ga')),
            capacity INTEGER NOT NULL CHECK (capacity >= 0),
            position INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE seat (
            id         TEXT PRIMARY KEY,
            section_id TEXT NOT NULL REFERENCES section(id),
            row_label  TEXT NOT NULL,
            number     INTEGER NOT NULL,
            x          REAL NOT NULL,
            y          REAL NOT NULL,
            position   INTEGER NOT NULL UNIQUE
        ) WITHOUT ROWID;

        CREATE TABLE event (
            id               TEXT PRIMARY KEY,
            title            TEXT NOT NULL,
            description      TEXT NOT NULL DEFAULT '',
            starts_at        INTEGER NOT NULL,
            ends_at          INTEGER,
            currency         TEXT NOT NULL,
            sales_start_at   INTEGER,
            sales_end_at     INTEGER,
            max_per_customer INTEGER NOT NULL CHECK (max_per_customer > 0),
            status           TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
            version          INTEGER NOT NULL DEFAULT 1,
            created_at       INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE price (
            event_id   TEXT NOT NULL REFERENCES event(id),
            section_id TEXT NOT NULL REFERENCES section(id),
            amount     INTEGER NOT NULL CHECK (amount >= 0),
            PRIMARY KEY (event_id, section_id)
        ) WITHOUT ROWID;
        CREATE TABLE ga_stock (
            event_id   TEXT NOT NULL REFERENCES event(id),
            section_id TEXT NOT NULL REFERENCES section(id),
            capacity   INTEGER NOT NULL,
            taken      INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (event_id, section_id),
            CHECK (taken >= 0 AND taken <= capacity)
        ) WITHOUT ROWID;

        CREATE TABLE hold (
            id          TEXT PRIMARY KEY,
            event_id    TEXT NOT NULL REFERENCES event(id),
            customer_id TEXT NOT NULL,
            state       TEXT NOT NULL CHECK (state IN ('active', 'paying')),
            total       INTEGER NOT NULL,
            created_at  INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX hold_by_event_expiry ON hold(event_id, expires_at);
        CREATE INDEX hold_by_customer ON hold(customer_id, event_id);
        CREATE TABLE hold_ga (
            hold_id    TEXT NOT NULL REFERENCES hold(id) ON DELETE CASCADE,
            section_id TEXT NOT NULL,
            quantity   INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (hold_id, section_id)
        ) WITHOUT ROWID;

        CREATE TABLE booking (
            id           TEXT PRIMARY KEY,
            event_id     TEXT NOT NULL REFERENCES event(id),
            customer_id  TEXT NOT NULL,
            status       TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
            total        INTEGER NOT NULL,
            currency     TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            cancelled_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX booking_by_customer ON booking(customer_id, created_at);
        CREATE INDEX booking_by_event ON booking(event_id);

        -- One row per claimed seat: by a live (or not yet purged) hold, or by a booking.
        CREATE TABLE seat_claim (
            event_id   TEXT NOT NULL REFERENCES event(id),
            seat_id    TEXT NOT NULL REFERENCES seat(id),
            hold_id    TEXT REFERENCES hold(id) ON DELETE CASCADE,
            booking_id TEXT REFERENCES booking(id),
            PRIMARY KEY (event_id, seat_id),
            CHECK ((hold_id IS NULL) <> (booking_id IS NULL))
        ) WITHOUT ROWID;
        CREATE INDEX seat_claim_by_hold ON seat_claim(hold_id) WHERE hold_id IS NOT NULL;
        CREATE INDEX seat_claim_by_booking ON seat_claim(booking_id) WHERE booking_id IS NOT NULL;

        CREATE TABLE ticket (
            code          TEXT PRIMARY KEY,
            booking_id    TEXT NOT NULL REFERENCES booking(id),
            event_id      TEXT NOT NULL REFERENCES event(id),
            section_id    TEXT NOT NULL,
            seat_id       TEXT,
            price         INTEGER NOT NULL,
            checked_in_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX ticket_by_booking ON ticket(booking_id);

        CREATE TABLE payment (
            id           TEXT PRIMARY KEY,
            hold_id      TEXT NOT NULL,
            booking_id   TEXT,
            customer_id  TEXT NOT NULL,
            amount       INTEGER NOT NULL,
            currency     TEXT NOT NULL,
            provider_ref TEXT,
            state        TEXT NOT NULL CHECK (state IN ('charging', 'declined', 'captured', 'refunded')),
            created_at   INTEGER NOT NULL,
            updated_at   INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX payment_by_state ON payment(state, updated_at);

        CREATE TABLE idempotency (
            customer_id  TEXT NOT NULL,
            key          TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status       INTEGER,
            response     BLOB,
            created_at   INTEGER NOT NULL,
            PRIMARY KEY (customer_id, key)
        ) WITHOUT ROWID;

        CREATE TABLE outbox (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            kind         TEXT NOT NULL,
            event_id     TEXT,
            booking_id   TEXT,
            customer_id  TEXT,
            payload      TEXT NOT NULL,
            created_at   INTEGER NOT NULL,
            delivered_at INTEGER
        );
        CREATE INDEX outbox_undelivered ON outbox(id) WHERE delivered_at IS NULL;

        CREATE TABLE waitlist (
            id          TEXT PRIMARY KEY,
            event_id    TEXT NOT NULL REFERENCES event(id),
            customer_id TEXT NOT NULL,
            section_id  TEXT,
            quantity    INTEGER NOT NULL CHECK (quantity > 0),
            created_at  INTEGER NOT NULL,
            notified_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX waitlist_by_event ON waitlist(event_id, created_at);
        """,
        // 2: delivery state of outbox messages (the notifier retries with back-off and
        // keeps failures visible), and the priority hold a waitlist match made.
        """
        ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'delivered', 'failed', 'skipped'));
        ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN last_error TEXT;
        DROP INDEX outbox_undelivered;
        CREATE INDEX outbox_pending ON outbox(next_attempt_at, id) WHERE status = 'pending';
        ALTER TABLE waitlist ADD COLUMN hold_id TEXT;
        -- Holds that expired and were swept, so paying for one still answers "expired", not
        -- "unknown". Kept for a day.
        CREATE TABLE expired_hold (
            id          TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            expired_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 3: the per-customer ticket limit counts one customer's bookings of one event; by
        // (customer, created_at) it walked all their bookings of every event on each hold.
        """
        DROP INDEX booking_by_customer;
        CREATE INDEX booking_by_customer ON booking(customer_id, event_id, status);
        """,
        // 4: resumable requests. A payment records the process that runs its request (a
        // retry or the reconciler takes over a payment whose process is gone), whether it
        // came with its hold in one call (a payment that never happens then frees the seats),
        // and its idempotency key; `abandoned` is a payment that never reached the provider.
        // The key records its payment. SQLite cannot change a CHECK, so the table is rebuilt.
        """
        CREATE TABLE payment_v4 (
            id              TEXT PRIMARY KEY,
            hold_id         TEXT NOT NULL,
            booking_id      TEXT,
            customer_id     TEXT NOT NULL,
            amount          INTEGER NOT NULL,
            currency        TEXT NOT NULL,
            provider_ref    TEXT,
            state           TEXT NOT NULL CHECK (state IN ('charging', 'declined', 'captured', 'refunded', 'abandoned')),
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            owner           TEXT,
            one_call        INTEGER NOT NULL DEFAULT 0,
            idempotency_key TEXT
        ) WITHOUT ROWID;
        INSERT INTO payment_v4 (id, hold_id, booking_id, customer_id, amount, currency, provider_ref, state, created_at, updated_at)
            SELECT id, hold_id, booking_id, customer_id, amount, currency, provider_ref, state, created_at, updated_at FROM payment;
        DROP TABLE payment;
        ALTER TABLE payment_v4 RENAME TO payment;
        CREATE INDEX payment_by_state ON payment(state, updated_at);
        ALTER TABLE idempotency ADD COLUMN payment_id TEXT;
        """,
        // 5: the on-sale queue of an event (DESIGN.md, "On-sale: the waiting room"). One place
        // per account (the primary key); positions are stored, so the draw can be audited.
        """
        CREATE TABLE queue (
            event_id         TEXT PRIMARY KEY REFERENCES event(id),
            opens_at         INTEGER NOT NULL,
            admit_per_minute INTEGER NOT NULL CHECK (admit_per_minute >= 0),
            pass_minutes     INTEGER NOT NULL CHECK (pass_minutes > 0),
            paused           INTEGER NOT NULL DEFAULT 0,
            sold_out         INTEGER NOT NULL DEFAULT 0,
            -- When the pre-queue was shuffled and numbered; NULL before.
            numbered_at      INTEGER,
            now_serving      INTEGER NOT NULL DEFAULT 0,
            last_position    INTEGER NOT NULL DEFAULT 0,
            -- Admissions earned but not yet made, in 1/60 of a buyer (rate x seconds).
            admit_credit     INTEGER NOT NULL DEFAULT 0,
            last_admit_at    INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE queue_entry (
            event_id        TEXT NOT NULL REFERENCES event(id),
            customer_id     TEXT NOT NULL,
            joined_at       INTEGER NOT NULL,
            position        INTEGER,
            admitted_at     INTEGER,
            pass_expires_at INTEGER,
            -- An unused pass that expired and gave its share of the rate back.
            returned        INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (event_id, customer_id),
            UNIQUE (event_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX queue_entry_by_admission ON queue_entry(event_id, admitted_at) WHERE admitted_at IS NOT NULL;
        """,
        // 6: how many times an event's time has changed: the SEQUENCE of its bookings'
        // calendar entries, which grows with each update a holder is sent.
        """
        ALTER TABLE event ADD COLUMN schedule_revision INTEGER NOT NULL DEFAULT 0;
        """,
        // 7: what a seat offers (wheelchair space, companion seat, restricted view, aisle), a
        // bit set of `SeatAttributes`; seats of older layouts have none.
        """
        ALTER TABLE seat ADD COLUMN attributes INTEGER NOT NULL DEFAULT 0 CHECK (attributes BETWEEN 0 AND 15);
        """,
        // 8: vouchers and hidden sections (issue 21). A voucher's uses are not a counter that
        // could drift: they are the tickets its live holds discount plus the discounted tickets
        // of confirmed bookings, counted under the write lock, so a hold that expires or is
        // released and a booking that is cancelled give them back by simply ceasing to count.
        // A deleted voucher keeps its row (its holds and bookings still name it), so a code
        // is unique among the vouchers not deleted.
        """
        ALTER TABLE price ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
        CREATE TABLE voucher (
            id                   TEXT PRIMARY KEY,
            event_id             TEXT NOT NULL REFERENCES event(id),
            code                 TEXT NOT NULL,
            kind                 TEXT NOT NULL CHECK (kind IN ('percentOff', 'amountOff', 'price')),
            value                INTEGER NOT NULL CHECK (value >= 0),
            max_uses             INTEGER CHECK (max_uses > 0),
            max_uses_per_customer INTEGER CHECK (max_uses_per_customer > 0),
            valid_from           INTEGER,
            valid_until          INTEGER,
            created_at           INTEGER NOT NULL,
            deleted_at           INTEGER
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX voucher_by_code ON voucher(event_id, code) WHERE deleted_at IS NULL;
        CREATE TABLE voucher_section (
            voucher_id TEXT NOT NULL REFERENCES voucher(id),
            section_id TEXT NOT NULL,
            PRIMARY KEY (voucher_id, section_id)
        ) WITHOUT ROWID;
        ALTER TABLE hold ADD COLUMN voucher_id TEXT;
        ALTER TABLE hold ADD COLUMN voucher_uses INTEGER NOT NULL DEFAULT 0 CHECK (voucher_uses >= 0);
        ALTER TABLE hold ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX hold_by_voucher ON hold(voucher_id) WHERE voucher_id IS NOT NULL;
        ALTER TABLE booking ADD COLUMN voucher_id TEXT;
        ALTER TABLE booking ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE ticket ADD COLUMN voucher_id TEXT;
        CREATE INDEX ticket_by_voucher ON ticket(voucher_id) WHERE voucher_id IS NOT NULL;
        """,
    ])
}
