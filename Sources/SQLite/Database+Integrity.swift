extension Database {
    /// `PRAGMA integrity_check` findings (empty when the file is sound).
    public func checkIntegrity() throws -> [String] {
        let rows = try connection.prepare("PRAGMA integrity_check").map { $0.string(0) }
        return rows == ["ok"] ? [] : rows
    }
}
