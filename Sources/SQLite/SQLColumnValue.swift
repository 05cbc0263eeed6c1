/// Types that are bound as a parameter and read back from a result column: the two halves of
/// GRDB's `DatabaseValueConvertible`.
///
/// A `RawRepresentable` type (an enum of the states a CHECK constraint lists) gets both
/// halves from its raw value by declaring the conformance: it is stored as its raw value, and
/// a raw value read from disk that is none of its cases throws `SQLDecodingError`, never a
/// crash or a silent default.
public protocol SQLColumnValue: SQLValue {
    /// The value in `column` of `row`.
    static func read(_ row: Row, column: Int32) throws(SQLDecodingError) -> Self
}

extension Int: SQLColumnValue {
    public static func read(_ row: Row, column: Int32) -> Int { row.int(column) }
}

extension String: SQLColumnValue {
    public static func read(_ row: Row, column: Int32) -> String { row.string(column) }
}

extension SQLValue where Self: RawRepresentable, RawValue: SQLValue {
    public var sqlBinding: SQLBinding { rawValue.sqlBinding }
}

extension SQLColumnValue where Self: RawRepresentable, RawValue: SQLColumnValue {
    public static func read(_ row: Row, column: Int32) throws(SQLDecodingError) -> Self {
        let raw = try RawValue.read(row, column: column)
        guard let value = Self(rawValue: raw) else { throw row.decodingError(column: column, type: Self.self) }
        return value
    }
}

extension Row {
    /// The value in `column`, read as `T` (e.g. an enum of states).
    public func value<T: SQLColumnValue>(_ column: Int32, as type: T.Type = T.self) throws(SQLDecodingError) -> T {
        try T.read(self, column: column)
    }

    /// The value in `column` as `T`, or nil when it is NULL.
    public func optionalValue<T: SQLColumnValue>(_ column: Int32, as type: T.Type = T.self) throws(SQLDecodingError) -> T? {
        isNull(column) ? nil : try T.read(self, column: column)
    }
}
