/// A column held a value that is not one of the Swift type read from it: a state no case
/// of its enum names (a file written by a newer program, or edited by hand).
public struct SQLDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The column's name in the result, e.g. "state".
    public let column: String
    /// The stored value as text (at most 64 characters), nil for NULL.
    public let value: String?
    /// The Swift type it was read as, e.g. "HoldState".
    public let type: String
    /// The statement that read it.
    public let sql: String

    public var description: String {
        "column \(column) holds \(value.map { "'\($0)'" } ?? "NULL"), which is no \(type), in «\(sql)»"
    }
}
