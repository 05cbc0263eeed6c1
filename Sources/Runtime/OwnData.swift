import Storage

/// Why an account may not be deleted yet.
package enum AccountDeletionError: Error, Equatable {
    /// The organizer still owns venues: their customers' bookings need an owner.
    case ownsVenues(count: Int)
}

/// A user's rights over their own data: a copy of everything the system keeps about them,
/// and the deletion of their account. The auth database holds who they are; each venue
/// holds only their id, beside their bookings, holds, waiting-list entries and payments.
package struct OwnData {
    let services: Services

    package init(services: Services) { self.services = services }

    /// What one venue keeps about the user.
    package struct VenueRecords {
        package let venueID: VenueID
        package let records: CustomerRecords
    }

    /// Everything about `user`: the account, its live sessions, the venues it owns, and
    /// what each venue keeps about it.
    package struct Export {
        package let user: UserRecord
        package let sessions: [SessionRecord]
        package let ownedVenues: [String]
        package let venues: [VenueRecords]
    }

    package func export(_ user: UserRecord, currentTokenHash: String?) throws -> Export {
        let now = services.now()
        return Export(
            user: user,
            sessions: try services.auth.sessions(ofUser: user.id, now: now, currentTokenHash: currentTokenHash),
            ownedVenues: try ownedVenues(user),
            venues: try eachVenue { id, store in
                let records = try store.records(ofCustomer: user.id, now: now)
                return records.isEmpty ? nil : VenueRecords(venueID: id, records: records)
            })
    }

    /// Deletes the account (sessions end, name and email are gone, email to it stops), then
    /// forgets in every venue what was pending for it: holds, waiting-list entries, stored
    /// answers. Bookings stay under the bare id for the organizers' accounts. An organizer
    /// who still owns venues is refused (`ownsVenues`) and nothing changes.
    ///
    /// The account goes first: should a venue fail afterwards, what is left there (a hold
    /// until it expires, an entry whose email is skipped) belongs to nobody.
    package func delete(_ user: UserRecord) throws {
        let owned = try ownedVenues(user)
        guard owned.isEmpty else { throw AccountDeletionError.ownsVenues(count: owned.count) }
        try services.auth.deleteUser(id: user.id)
        let now = services.now()
        _ = try eachVenue { _, store -> Void? in
            try store.forget(customer: user.id, now: now)
            return nil
        }
    }

    private func ownedVenues(_ user: UserRecord) throws -> [String] {
        guard user.role != .customer else { return [] }
        return try services.catalog.venueIDs(after: nil, ownerID: user.id, limit: 10_000)
    }

    /// Every venue's answer that is not nil. A customer may hold seats or wait in any venue,
    /// not only where they booked, so each is asked; this is rare, and a venue is a few
    /// indexed reads.
    private func eachVenue<T>(_ body: (VenueID, VenueStore) throws -> T?) throws -> [T] {
        var answers: [T] = []
        for id in try services.venues.allIDs() {
            guard let store = try services.venues.store(id), let answer = try body(id, store) else { continue }
            answers.append(answer)
        }
        return answers
    }
}
