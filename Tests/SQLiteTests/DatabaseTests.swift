import Foundation
import TestSupport
import Testing

@testable import SQLite

@Suite("A SQLite database file")
struct DatabaseTests {
    let directory = TemporaryDirectory()

    func makeDatabase() throws -> Database {
        let database = try Database(path: directory.file("test.sqlite"), create: true, synchronous: .full)
        try Migrations(["CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"]).apply(to: database)
        return database
    }

    @Test func opensInWALModeWithTheChosenDurability() throws {
        let database = try makeDatabase()
        #expect(try database.connection.prepare("PRAGMA journal_mode").first { $0.string(0) } == "wal")
        // FULL is a group commit: SQLite commits without a flush, `write` flushes after the lock.
        #expect(try database.connection.prepare("PRAGMA synchronous").queryInt() == 1)
        #expect(database.flushesAfterCommit)
        let normal = try Database(path: directory.file("normal.sqlite"), create: true, synchronous: .normal)
        #expect(try normal.connection.prepare("PRAGMA synchronous").queryInt() == 1)
        #expect(!normal.flushesAfterCommit)
    }

    @Test func textIsBoundWholeEvenWithAnEmbeddedNUL() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("seat-1").run() }
        let found = try database.connection.prepare("SELECT count(*) FROM item WHERE name = ?").bind("seat-1\u{0}junk").queryInt()
        #expect(found == 0)
        #expect(try database.connection.prepare("SELECT length(CAST(? AS BLOB))").bind("a\u{0}b").queryInt() == 3)
    }

    @Test func aDurableWriteFlushesTheWALOnceItCommits() throws {
        let database = try makeDatabase()
        let before = database.walFlushes
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('a')").run() }
        #expect(database.walFlushes == before + 1)
        #expect(throws: SQLiteError.self) {
            try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('a')").run() }  // UNIQUE: rolled back
        }
        #expect(database.walFlushes == before + 1)
    }

    @Test func aWriteOnAFullDiskFailsAsFullWritesNothingAndWorksOnceThereIsSpace() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('kept')").run() }
        // A page limit is SQLite's own "disk full": the same SQLITE_FULL as ENOSPC.
        let pages = try #require(try database.connection.prepare("PRAGMA page_count").queryInt())
        try database.connection.execute("PRAGMA max_page_count = \(pages)")
        let big = String(repeating: "x", count: 64 * 1024)
        let error = try #require(throws: SQLiteError.self) {
            try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind(big).run() }
        }
        #expect(error.isFull)
        #expect(!error.isBusy)
        #expect(!database.connection.isInTransaction)
        #expect(try database.connection.prepare("SELECT group_concat(name) FROM item").first { $0.string(0) } == "kept")
        try database.connection.execute("PRAGMA max_page_count = 1073741823")
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind(big).run() }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 2)
    }

    @Test func refusesToCreateAMissingFileUnlessAsked() {
        #expect(throws: SQLiteError.self) {
            _ = try Database(path: directory.file("missing.sqlite"), create: false, synchronous: .full)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")))
    }

    @Test func migrationsRunOnceAndRecordTheVersion() throws {
        let database = try makeDatabase()
        let migrations = Migrations([
            "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
            "ALTER TABLE item ADD COLUMN note TEXT",
        ])
        try migrations.apply(to: database)
        try migrations.apply(to: database)
        #expect(try database.connection.userVersion == 2)
    }

    @Test func aWriteCommitsWhenTheBodyReturns() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("a").run() }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 1)
    }

    @Test func aWriteRollsBackEverythingWhenTheBodyThrows() throws {
        let database = try makeDatabase()
        #expect(throws: SQLiteError.self) {
            try database.write { connection in
                try connection.prepare("INSERT INTO item (name) VALUES (?)").bind("a").run()
                try connection.prepare("INSERT INTO item (name) VALUES (?)").bind("a").run()
            }
        }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 0)
    }

    @Test func aUniqueViolationIsReportedAsAConstraintError() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("x").run() }
        do {
            try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("x").run() }
            Issue.record("the duplicate was accepted")
        } catch let error as SQLiteError {
            #expect(error.isConstraintViolation)
            #expect(error.code == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        }
    }

    @Test func boundValuesAreNeverInterpretedAsSQL() throws {
        let database = try makeDatabase()
        let hostile = "'); DROP TABLE item; --"
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind(hostile).run() }
        let names = try database.connection.prepare("SELECT name FROM item").map { $0.string(0) }
        #expect(names == [hostile])
    }

    @Test func statementsAreCachedAndReusable() throws {
        let database = try makeDatabase()
        for name in ["a", "b", "c"] {
            try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind(name).run() }
        }
        let first = try database.connection.prepare("SELECT count(*) FROM item")
        let again = try database.connection.prepare("SELECT count(*) FROM item")
        #expect(first === again)
        #expect(try again.queryInt() == 3)
    }

    @Test func aBatchCommitsTheWritesThatSucceededAndOnlyThoseWithOneFlush() throws {
        let database = try makeDatabase()
        let flushes = database.walFlushes
        var outcomes: [Bool] = []
        try database.batch {
            for name in ["a", "b", "a", "c"] {  // the second "a" breaks UNIQUE
                outcomes.append((try? database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind(name).run() }) != nil)
            }
        }
        #expect(outcomes == [true, true, false, true])
        #expect(try database.connection.prepare("SELECT name FROM item ORDER BY name").map { $0.string(0) } == ["a", "b", "c"])
        #expect(database.walFlushes == flushes + 1)
        #expect(!database.connection.isInTransaction)
    }

    /// Whether another open file description could take the write lock now (as another
    /// process would).
    func lockIsFree(_ path: String) -> Bool {
        let descriptor = open(path + ".lock", O_RDWR)
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(descriptor, LOCK_UN)
        return true
    }

    @Test func exclusivelyKeepsOtherWritersOutBetweenTransactionsAndFlushesOnceAfterwards() throws {
        let database = try makeDatabase()
        let path = directory.file("test.sqlite")
        let flushes = database.walFlushes
        var freeBetween: Bool?
        try database.exclusively {
            try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('a')").run() }
            freeBetween = lockIsFree(path)
            try database.batch {
                try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('b')").run() }
            }
            #expect(database.walFlushes == flushes)  // no flush while the lock is held
        }
        #expect(freeBetween == false)
        #expect(lockIsFree(path))
        #expect(database.walFlushes == flushes + 1)
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 2)
    }

    @Test func exclusivelyFlushesWhatCommittedEvenWhenItsBodyThrows() throws {
        let database = try makeDatabase()
        let flushes = database.walFlushes
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.exclusively {
                try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('kept')").run() }
                throw Stop()
            }
        }
        #expect(database.walFlushes == flushes + 1)
        #expect(lockIsFree(directory.file("test.sqlite")))
        #expect(try database.connection.prepare("SELECT name FROM item").map { $0.string(0) } == ["kept"])
    }

    @Test func aBatchThatThrowsCommitsNothing() throws {
        let database = try makeDatabase()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.batch {
                try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('a')").run() }
                throw Stop()
            }
        }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 0)
        // The next write is a transaction of its own again.
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('b')").run() }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 1)
    }

    @Test func aWriteInsideAWriteOfABatchRollsBackWithIt() throws {
        let database = try makeDatabase()
        try database.batch {
            _ = try? database.write { connection in
                try connection.prepare("INSERT INTO item (name) VALUES ('outer')").run()
                try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('inner')").run() }
                try connection.prepare("INSERT INTO item (name) VALUES ('outer')").run()  // UNIQUE
            }
        }
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 0)
    }

    @Test func oneProcessCheckpointsAtATimeAndTheOthersLeaveItTheJob() throws {
        let path = directory.file("turn.sqlite")
        let database = try Database(path: path, create: true, synchronous: .normal, checkpointFrames: 100)
        try Migrations(["CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"]).apply(to: database)
        var row = 0
        func insert() throws {
            row += 1
            try database.write {
                try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("row-\(row)-" + String(repeating: "x", count: 3000)).run()
            }
        }
        for _ in 0..<150 { try insert() }
        let due = database.connection.walFrames
        #expect(due >= database.checkpointFrames)

        // Another process is checkpointing: this one skips, and writers are not held up.
        let otherProcess = try WriteLock(path: path + ".lock")
        #expect(otherProcess.takeCheckpointTurn())
        database.checkpointIfDue()
        try insert()
        #expect(database.connection.walFrames > due, "the WAL went on, not copied")

        // Its turn over, the next checkpoint copies everything, so the next write starts the WAL over.
        otherProcess.endCheckpointTurn()
        database.checkpointIfDue()
        try insert()
        #expect(database.connection.walFrames < 10)
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == row)
    }

    @Test(arguments: [true, false])
    func checkpointTruncatesTheWALOnlyWhenNoReplicatorOwnsIt(truncatesWAL: Bool) throws {
        let path = directory.file("owned-\(truncatesWAL).sqlite")
        let database = try Database(path: path, create: true, synchronous: .normal, truncatesWAL: truncatesWAL)
        try Migrations(["CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"]).apply(to: database)
        for n in 0..<50 { try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("row-\(n)").run() } }
        let before = Connection.walSize(ofDatabaseAt: path)
        try database.checkpoint()
        // Under Litestream the frames are copied but the file is left for it to truncate.
        #expect(Connection.walSize(ofDatabaseAt: path) == (truncatesWAL ? 0 : before))
        #expect(try database.connection.prepare("SELECT count(*) FROM item").queryInt() == 50)
    }

    @Test func theWALStaysBoundedWhileAnotherProcessKeepsWriting() throws {
        // Two connections with their own write locks, as two workers have: one writes without
        // pause on a thread while this one writes and checkpoints when due. A checkpoint run
        // only while commits landed never caught up, and the WAL grew with every write
        // (~160 MB here); one that ends under the write lock lets the WAL start over, so it
        // peaks at the interval plus what the other writer added during the copy (6-11 MB
        // alone, 25 MB seen with the other suites running at once on 2 cores; 58 MB once in CI
        // before one process at a time took the checkpoint turn).
        let database = try Database(path: directory.file("busy.sqlite"), create: true, synchronous: .normal, checkpointFrames: 500)
        try Migrations(["CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"]).apply(to: database)
        final class Writer: @unchecked Sendable {
            let database: Database
            init(_ database: Database) { self.database = database }
            func run(_ rows: Range<Int>) {
                for row in rows {
                    _ = try? database.write {
                        try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("other-\(row)-" + String(repeating: "x", count: 3000)).run()
                    }
                    database.checkpointIfDue()
                }
            }
        }
        let other = Writer(try Database(path: directory.file("busy.sqlite"), create: false, synchronous: .normal, checkpointFrames: 500))
        let done = DispatchSemaphore(value: 0)
        Thread {
            other.run(0..<3000)
            done.signal()
        }.start()
        var largest = 0
        for row in 0..<3000 {
            try database.write {
                try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("mine-\(row)-" + String(repeating: "y", count: 3000)).run()
            }
            database.checkpointIfDue()
            largest = max(largest, Connection.walSize(ofDatabaseAt: database.connection.path))
        }
        done.wait()
        let bound = 20 * database.checkpointFrames * 4096
        #expect(largest < bound, "WAL reached \(largest) bytes")
    }

    @Test func backupMakesAConsistentCopy() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES (?)").bind("kept").run() }
        try database.connection.backup(to: directory.file("copy.sqlite"))
        let copy = try Database(path: directory.file("copy.sqlite"), create: false, synchronous: .full)
        #expect(try copy.connection.prepare("SELECT name FROM item").map { $0.string(0) } == ["kept"])
    }
}
