extension SQLiteError {
    /// A SQLite result code (https://sqlite.org/rescode.html): a primary code in the low
    /// byte, refined by an extended code in the bits above it.
    public struct ResultCode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral {
        public let rawValue: Int32

        public init(rawValue: Int32) { self.rawValue = rawValue }
        public init(integerLiteral value: Int32) { self.init(rawValue: value) }

        /// The primary code of an extended one (`constraint` for `constraintUnique`).
        public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }
        /// Whether this is a primary code, which stands for all of its extended codes.
        public var isPrimary: Bool { rawValue == primary.rawValue }

        /// A primary code matches each of its extended codes; two extended codes match only
        /// when equal. Symmetric, so `error.code ~= .constraint` reads as well as the pattern
        /// form a `switch` uses.
        public static func ~= (pattern: ResultCode, code: ResultCode) -> Bool {
            pattern.isPrimary || code.isPrimary ? pattern.primary == code.primary : pattern == code
        }

        public static let error: ResultCode = 1
        public static let busy: ResultCode = 5
        public static let locked: ResultCode = 6
        public static let ioError: ResultCode = 10
        public static let corrupt: ResultCode = 11
        public static let full: ResultCode = 13
        public static let cantOpen: ResultCode = 14
        public static let constraint: ResultCode = 19
        public static let misuse: ResultCode = 21

        public static let constraintCheck: ResultCode = 275
        public static let constraintForeignKey: ResultCode = 787
        public static let constraintNotNull: ResultCode = 1299
        public static let constraintPrimaryKey: ResultCode = 1555
        public static let constraintUnique: ResultCode = 2067
    }
}
