import Runtime
import Storage

/// `check`: SQLite's integrity check plus the booking invariants, read straight from a file.
enum Checker {
    static func check(path: String, venue: Bool) throws -> [String] {
        let database = try Database(path: path, create: false, synchronous: .full)
        return try database.checkIntegrity() + (venue ? try database.checkBookingInvariants() : [])
    }
}
