import Glibc
import TestSupport
import Testing

@testable import SQLite

@Suite("Errors of the SQLite layer")
struct SQLiteErrorTests {
    let directory = TemporaryDirectory()

    func makeDatabase() throws -> Database {
        let database = try Database(path: directory.file("errors.sqlite"), create: true, synchronous: .normal)
        try Migrations(["CREATE TABLE item (name TEXT NOT NULL UNIQUE, size INTEGER CHECK (size > 0))"]).apply(to: database)
        return database
    }

    /// The error `sql` throws in a write, or nil when it succeeds.
    func failure(of sql: String, in database: Database) -> SQLiteError? {
        do {
            try database.write { try $0.prepare(sql).run() }
            return nil
        } catch {
            return error as? SQLiteError
        }
    }

    @Test func aUniqueViolationMatchesItsPrimaryAndItsExtendedCodeOnly() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO item (name) VALUES ('a')").run() }
        let error = try #require(failure(of: "INSERT INTO item (name) VALUES ('a')", in: database))
        #expect(error.code == .constraintUnique)
        #expect(error.code ~= .constraint)
        #expect(error.code ~= .constraintUnique)
        #expect(!(error.code ~= .constraintCheck))
        #expect(!(error.code ~= .busy))
        #expect(error.code.primary == .constraint)
        #expect(.constraint ~= error.code, "either way round")
    }

    @Test func aCheckViolationIsAConstraintErrorOfItsOwnKind() throws {
        let database = try makeDatabase()
        let error = try #require(failure(of: "INSERT INTO item (name, size) VALUES ('a', 0)", in: database))
        #expect(error.code ~= .constraint)
        #expect(error.code ~= .constraintCheck)
        #expect(!(error.code ~= .constraintUnique))
    }

    @Test func aSwitchOverTheCodeMatchesByName() throws {
        func name(_ code: SQLiteError.ResultCode) -> String {
            switch code {
            case .busy, .locked: "busy"
            case .constraintUnique: "unique"
            case .constraint: "constraint"
            default: "other"
            }
        }
        #expect(name(.constraintUnique) == "unique")
        #expect(name(.constraintCheck) == "constraint", "an extended code falls back to its primary case")
        #expect(name(.busy) == "busy")
        #expect(name(.cantOpen) == "other")
    }

    @Test func aMissingFileCannotBeOpened() {
        do {
            _ = try Database(path: directory.file("missing.sqlite"), create: false, synchronous: .full)
            Issue.record("a missing file was opened")
        } catch let error as SQLiteError {
            #expect(error.code ~= .cantOpen)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aFailedSystemCallIsAnErrnoErrorNotASQLiteCode() {
        let path = directory.file("no-such-directory/venue.sqlite")
        #expect(throws: SystemError(operation: "open \(path).lock", errno: ENOENT)) {
            _ = try Database(path: path, create: true, synchronous: .full)
        }
    }

    @Test func anErrnoErrorSaysWhatFailedInWords() {
        let error = SystemError(operation: "flock /data/hall.sqlite.lock", errno: EBADF)
        #expect(error.reason == "Bad file descriptor")
        #expect(error.description == "flock /data/hall.sqlite.lock failed: Bad file descriptor (errno 9)")
    }
}
