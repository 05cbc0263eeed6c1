internal import CSystem
import Common
import Storage

/// The venues where bookings were written lately, in memory shared by the pool.
///
/// Bookings do not feed the cross-venue catalog themselves (it would be one global write per
/// booking); the notifier feeds it from each venue's outbox. A reader that must see the
/// caller's own latest booking (`GET /api/bookings`) first brings these venues' entries up
/// to date. A venue takes one of 8 slots probed from its hash (its own, else the one noted
/// longest ago); each slot is behind a sequence lock: a writer that loses a race for it
/// tries once more, a reader retries a torn read and skips a slot being written.
package final class RecentVenueWrites {
    static let slotCount = 256
    /// Words of a slot: sequence, time, id length, then the id (at most 63 bytes).
    private static let slotWords = 11
    private static let idBytes = 64
    private let words: UnsafeMutablePointer<UInt64>

    private static var wordCount: Int { slotCount * slotWords }

    /// Maps the pool's file at `path`, or private memory when nil (tests, commands).
    package init(path: String?) throws {
        words = try PoolMemory.map(path: path, words: Self.wordCount)
    }

    /// Creates (or empties) the file; called by the master before it starts workers, so a
    /// slot left half-written by a killed worker does not outlive the pool.
    package static func createFile(path: String) throws {
        try PoolMemory.create(path: path, words: wordCount)
    }

    /// Notes that `venue` was written at `now` (Unix seconds): in its own slot if one of the
    /// few probed from its hash holds it, else in the probed slot noted longest ago.
    package func record(_ venue: VenueID, at now: Int) {
        let home = Self.slot(of: venue)
        for _ in 0..<2 {
            var target: (index: Int, entry: Entry)?
            for step in 0..<Self.probes {
                let index = (home + step) % Self.slotCount
                guard let entry = read(index) else { continue }  // being written: not a candidate
                if entry.id == venue.value {
                    target = (index, entry)
                    break
                }
                // An empty slot first, else the one noted longest ago.
                if entry.age < target?.entry.age ?? Int.max { target = (index, entry) }
            }
            guard let target else { return }
            if write(venue, at: now, into: target.index, expecting: target.entry) { return }
        }
    }

    /// The venues noted at or after `since`.
    package func venues(since: Int) -> [VenueID] {
        (0..<Self.slotCount).compactMap { index in
            guard let entry = read(index), entry.time >= since, !entry.id.isEmpty else { return nil }
            return VenueID(entry.id)
        }
    }

    // MARK: Slots

    private struct Entry: Equatable {
        let time: Int
        let id: String
        /// Orders slots for eviction: empty ones before any noted time.
        var age: Int { id.isEmpty ? -1 : time }
    }

    private static let probes = 8

    /// A consistent copy of a slot, or nil while a writer holds it.
    private func read(_ index: Int) -> Entry? {
        let slot = words + index * Self.slotWords
        for _ in 0..<3 {
            let before = booking_atomic_load_acquire(slot)
            guard before % 2 == 0 else { continue }
            let entry = Self.entry(in: slot)
            booking_atomic_fence()
            if booking_atomic_load_acquire(slot) == before { return entry }
        }
        return nil
    }

    /// Writes `venue` into the slot if it still holds `expected` (or `venue`); false when
    /// another writer took the slot first.
    private func write(_ venue: VenueID, at now: Int, into index: Int, expecting expected: Entry) -> Bool {
        let slot = words + index * Self.slotWords
        let sequence = booking_atomic_load_acquire(slot)
        guard sequence % 2 == 0, booking_atomic_try_begin_write(slot, sequence) != 0 else { return false }
        let current = Self.entry(in: slot)
        guard current == expected || current.id == venue.value else {
            booking_atomic_store_release(slot, sequence + 2)  // unchanged
            return false
        }
        let id = Array(venue.value.utf8.prefix(Self.idBytes))
        slot[1] = UInt64(max(0, now))
        slot[2] = UInt64(id.count)
        UnsafeMutableRawPointer(slot + 3).copyMemory(from: id, byteCount: id.count)
        booking_atomic_store_release(slot, sequence + 2)
        return true
    }

    /// The slot's fields as they are (the caller holds or checks the sequence).
    private static func entry(in slot: UnsafeMutablePointer<UInt64>) -> Entry {
        let length = min(Int(slot[2]), idBytes)
        return Entry(time: Int(slot[1]), id: String(decoding: UnsafeRawBufferPointer(start: slot + 3, count: length), as: UTF8.self))
    }

    /// FNV-1a of the id: where a venue's probe starts.
    private static func slot(of venue: VenueID) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in venue.value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(slotCount))
    }
}
