/// A failure reported by SQLite: its result code, message and the statement that failed.
///
/// Match the code by name, primary or extended, like GRDB's `DatabaseError`:
/// `catch let error as SQLiteError where error.code ~= .constraint` catches every constraint
/// violation, `error.code ~= .constraintUnique` only UNIQUE ones; a `switch error.code` with
/// `case .busy:` works the same way.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (e.g. 2067, `constraintUnique`).
    public let code: ResultCode
    public let message: String
    /// The SQL text that failed, for logs; never contains user data (values are bound).
    public let sql: String?

    init(code: Int32, message: String, sql: String?) {
        self.init(code: ResultCode(rawValue: code), message: message, sql: sql)
    }

    init(code: ResultCode, message: String, sql: String?) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// A constraint (UNIQUE, CHECK, PRIMARY KEY, FOREIGN KEY, NOT NULL) refused the change.
    public var isConstraintViolation: Bool { code ~= .constraint }
    /// Another connection held a lock for longer than the busy timeout.
    public var isBusy: Bool { code ~= .busy || code ~= .locked }
    /// The disk is full (SQLite rolled the write back): it can succeed once there is space.
    public var isFull: Bool { code ~= .full }

    public var description: String {
        "SQLite error \(code.rawValue): \(message)" + (sql.map { " in «\($0)»" } ?? "")
    }
}
