import TestSupport
import Testing

@testable import SQLite
@testable import Storage

@Suite("Upgrading a venue file")
struct VenueSchemaMigrationTests {
    @Test func version4KeepsEveryPaymentAndKeyAndLetsTheirRequestsBeTakenOver() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hall.sqlite")
        // A file as version 3 wrote it, with a payment left `charging` by a crash.
        do {
            let database = try Database(path: path, create: true, synchronous: .normal)
            try Migrations(Array(VenueSchema.migrations.steps.prefix(3))).apply(to: database)
            try database.write { connection in
                try connection.execute(
                    """
                    INSERT INTO payment (id, hold_id, customer_id, amount, currency, state, created_at, updated_at)
                    VALUES ('p_old', 'h_old', 'alice', 4500, 'EUR', 'charging', 1, 1),
                           ('p_done', 'h_done', 'bob', 2000, 'EUR', 'captured', 1, 2);
                    INSERT INTO idempotency (customer_id, key, request_hash, status, response, created_at)
                    VALUES ('bob', 'k', 'h', 201, '{}', 2);
                    """)
            }
        }
        let store = try VenueStore(database: try Database(path: path, create: false, synchronous: .normal))
        #expect(try store.connection.userVersion == VenueSchema.migrations.steps.count)
        let rows = try store.connection.prepare("SELECT id, state, owner, one_call FROM payment ORDER BY id").map {
            "\($0.string(0)) \($0.string(1)) \($0.optionalString(2) ?? "-") \($0.int(3))"
        }
        #expect(rows == ["p_done captured - 0", "p_old charging - 0"])
        #expect(try store.connection.prepare("SELECT status FROM idempotency WHERE key = 'k'").queryInt() == 201)
        // A payment of the old program has no owner: it counts as abandoned.
        #expect(try store.abandonedPayments(olderThan: 10).map(\.paymentID) == ["p_old"])
    }
}
