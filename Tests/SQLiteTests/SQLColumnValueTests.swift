import TestSupport
import Testing

@testable import SQLite

@Suite("Enums stored as their raw values")
struct SQLColumnValueTests {
    enum Light: String, SQLColumnValue { case red, amber, green }

    let directory = TemporaryDirectory()

    func makeDatabase() throws -> Database {
        let database = try Database(path: directory.file("values.sqlite"), create: true, synchronous: .normal)
        try Migrations(["CREATE TABLE signal (id INTEGER PRIMARY KEY, light TEXT)"]).apply(to: database)
        return database
    }

    @Test func anEnumIsBoundAsItsRawValueAndReadBackAsItself() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO signal (id, light) VALUES (1, ?)").bind(Light.amber).run() }
        #expect(try database.connection.prepare("SELECT light FROM signal").first { $0.string(0) } == "amber")
        #expect(try database.connection.prepare("SELECT light FROM signal").first { try $0.value(0, as: Light.self) } == .amber)
        #expect(try database.connection.prepare("SELECT count(*) FROM signal WHERE light = ?").bind(Light.amber).queryInt() == 1)
    }

    @Test func aRawValueThatNamesNoCaseIsAnErrorNotADefault() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO signal (id, light) VALUES (1, 'blue')").run() }
        #expect(throws: SQLDecodingError(column: "light", value: "blue", type: "Light", sql: "SELECT light FROM signal")) {
            _ = try database.connection.prepare("SELECT light FROM signal").first { try $0.value(0, as: Light.self) }
        }
    }

    @Test func nullIsNilWhenReadAsOptionalAndAnErrorOtherwise() throws {
        let database = try makeDatabase()
        try database.write { try $0.prepare("INSERT INTO signal (id, light) VALUES (1, NULL)").run() }
        let statement = "SELECT light FROM signal"
        #expect(try database.connection.prepare(statement).first { try $0.optionalValue(0, as: Light.self) } == .some(nil))
        #expect(throws: SQLDecodingError.self) {
            _ = try database.connection.prepare(statement).first { try $0.value(0, as: Light.self) }
        }
    }
}
