internal import CSQLite

/// A prepared statement. Values are always bound, never spliced into SQL (DESIGN.md rule 4).
public final class Statement {
    private let pointer: OpaquePointer
    private unowned let connection: Connection
    public let sql: String
    private var nextIndex: Int32 = 1

    init(connection: Connection, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw connection.error(rc, sql: sql) }
        self.pointer = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(pointer) }

    func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
        nextIndex = 1
    }

    // MARK: Binding, in parameter order

    /// Binds the next `?` parameter.
    @discardableResult
    public func bind(_ value: (any SQLValue)?) throws(SQLiteError) -> Statement {
        let rc: Int32
        switch value?.sqlBinding ?? .null {
        case .null: rc = sqlite3_bind_null(pointer, nextIndex)
        case .integer(let v): rc = sqlite3_bind_int64(pointer, nextIndex, v)
        case .real(let v): rc = sqlite3_bind_double(pointer, nextIndex, v)
        // The byte length, not -1: text ends where the string ends, not at an embedded NUL
        // (else "seat-1\0junk" would find seat-1).
        case .text(let v): rc = sqlite3_bind_text(pointer, nextIndex, v, Int32(v.utf8.count), sqliteTransient)
        case .blob(let v):
            rc = v.withUnsafeBytes { sqlite3_bind_blob(pointer, nextIndex, $0.baseAddress, Int32($0.count), sqliteTransient) }
        }
        guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
        nextIndex += 1
        return self
    }

    /// Binds several parameters in order.
    @discardableResult
    public func bind(_ values: (any SQLValue)?...) throws(SQLiteError) -> Statement {
        for value in values { try bind(value) }
        return self
    }

    // MARK: Running

    /// Steps once; true when a row is available.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(pointer)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(rc, sql: sql)
            sqlite3_reset(pointer)
            throw error
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws(SQLiteError) {
        while try step() {}
        sqlite3_reset(pointer)
    }

    /// Calls `row` for each result row.
    public func forEach(_ row: (Row) throws -> Void) throws {
        defer { sqlite3_reset(pointer) }
        while try step() { try row(Row(statement: pointer)) }
    }

    /// Maps every result row.
    public func map<T>(_ transform: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEach { result.append(try transform($0)) }
        return result
    }

    /// The first row, mapped, or nil.
    public func first<T>(_ transform: (Row) throws -> T) throws -> T? {
        defer { sqlite3_reset(pointer) }
        return try step() ? try transform(Row(statement: pointer)) : nil
    }

    /// The first column of the first row as an integer, or nil when there is no row.
    public func queryInt() throws(SQLiteError) -> Int? {
        defer { sqlite3_reset(pointer) }
        guard try step() else { return nil }
        return Row(statement: pointer).int(0)
    }
}

/// One result row, valid only inside the closure it was passed to.
public struct Row {
    fileprivate let statement: OpaquePointer

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    public func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: text)
    }
    public func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }
    public func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    func decodingError<T>(column: Int32, type: T.Type) -> SQLDecodingError {
        SQLDecodingError(
            column: sqlite3_column_name(statement, column).map { String(cString: $0) } ?? "\(column)",
            value: isNull(column) ? nil : String(string(column).prefix(64)), type: "\(type)",
            sql: sqlite3_sql(statement).map { String(cString: $0) } ?? "")
    }
}

/// A value as SQLite stores it.
public enum SQLBinding {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Types that can be bound as statement parameters. Binding goes through the witness
/// table (no dynamic casts: this is on every query of the booking path).
public protocol SQLValue {
    var sqlBinding: SQLBinding { get }
}
extension Int: SQLValue { public var sqlBinding: SQLBinding { .integer(Int64(self)) } }
extension Int64: SQLValue { public var sqlBinding: SQLBinding { .integer(self) } }
extension Bool: SQLValue { public var sqlBinding: SQLBinding { .integer(self ? 1 : 0) } }
extension Double: SQLValue { public var sqlBinding: SQLBinding { .real(self) } }
extension String: SQLValue { public var sqlBinding: SQLBinding { .text(self) } }
extension Array: SQLValue where Element == UInt8 { public var sqlBinding: SQLBinding { .blob(self) } }

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
