import FoundationEssentials
import Glibc
public import SQLite

/// Maps venue ids to their database files (`<dir>/<id>.sqlite`) and keeps an LRU of open
/// handles, since each costs a few file descriptors.
///
/// Only `create` makes a file (built under a temporary name, then linked into place, which
/// fails if the name exists); `open` never does, so a request for an unknown venue cannot
/// create one.
public final class VenueDirectory {
    public let path: String
    let synchronous: SynchronousMode
    /// False when a replicator owns the WAL's truncation (see `Database.truncatesWAL`).
    let truncatesWAL: Bool
    private let capacity: Int
    private var open: [VenueID: VenueStore] = [:]
    /// Called once for every store this directory opens (to wire publishing, ticket codes).
    public var onOpen: ((VenueID, VenueStore) -> Void)?
    private var recency: [VenueID] = []

    public init(path: String, synchronous: SynchronousMode, maxOpen: Int, truncatesWAL: Bool = true) throws {
        self.path = path
        self.synchronous = synchronous
        self.truncatesWAL = truncatesWAL
        self.capacity = maxOpen
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func filePath(_ id: VenueID) -> String { "\(path)/\(id.value).sqlite" }

    /// Checkpoints the open venues whose WAL is due (`Database.checkpointIfDue`).
    public func checkpointWhereDue() {
        for store in open.values { store.database.checkpointIfDue() }
    }

    /// The store of an existing venue, or nil when there is no such venue.
    public func store(_ id: VenueID) throws -> VenueStore? {
        if let store = open[id] {
            touch(id)
            return store
        }
        guard access(filePath(id), F_OK) == 0 else { return nil }
        let store: VenueStore
        do {
            // Keeps the WAL's files: venues outside the LRU are closed and reopened all the time.
            store = try VenueStore(
                database: Database(
                    path: filePath(id), create: false, synchronous: synchronous, truncatesWAL: truncatesWAL, keepsWALFiles: true))
        } catch let error as SQLiteError where error.code ~= .cantOpen {  // removed meanwhile
            return nil
        }
        onOpen?(id, store)
        remember(id, store)
        return store
    }

    /// Creates the venue's file with `initialise` run inside its first transaction. Throws
    /// `BookingError.venueExists` when the id is taken.
    public func create(_ id: VenueID, initialise: (VenueStore) throws -> Void) throws -> VenueStore {
        let final = filePath(id)
        if access(final, F_OK) == 0 { throw BookingError.venueExists }
        let temporary = "\(path)/.creating-\(id.value)-\(Identifier.make("")).sqlite"
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { unlink(temporary + suffix) } }
        do {
            let store = try VenueStore(database: Database(path: temporary, create: true, synchronous: synchronous))
            try initialise(store)
            // Leave WAL mode's side files behind: the checkpointed main file is complete.
            try store.database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // link(2) is an atomic rename that refuses to replace an existing file.
        guard link(temporary, final) == 0 else {
            if errno == EEXIST { throw BookingError.venueExists }
            throw SystemError(operation: "link \(temporary) to \(final)", errno: errno)
        }
        guard let store = try store(id) else { throw BookingError.venueNotFound }
        return store
    }

    /// Ids of all venues with a file, sorted.
    public func allIDs() throws -> [VenueID] {
        try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }
            .compactMap { VenueID(String($0.dropLast(".sqlite".count))) }
            .sorted { $0.value < $1.value }
    }

    /// Forgets an open handle (e.g. before a restore swaps the file).
    public func close(_ id: VenueID) {
        open[id] = nil
        recency.removeAll { $0 == id }
    }

    private func touch(_ id: VenueID) {
        if recency.last != id {
            recency.removeAll { $0 == id }
            recency.append(id)
        }
    }

    private func remember(_ id: VenueID, _ store: VenueStore) {
        open[id] = store
        recency.append(id)
        while recency.count > capacity {
            open[recency.removeFirst()] = nil
        }
    }
}
