import Runtime
import Storage

/// `check`: SQLite's integrity check plus the booking invariants, read straight from a file.
enum Checker {
    static func check(path: String, venue: Bool) throws -> [String] {
        try DatabaseFiles.problems(inDatabaseAt: path, isVenue: venue)
    }
}
