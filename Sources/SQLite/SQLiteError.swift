/// A failure reported by SQLite, with its primary result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    public let message: String
    /// The SQL text that failed, for logs; never contains user data (values are bound).
    public let sql: String?

    public init(code: Int32, message: String, sql: String?) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var primaryCode: Int32 { code & 0xFF }
    public var isConstraintViolation: Bool { primaryCode == 19 }
    public var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in «\($0)»" } ?? "")
    }
}
