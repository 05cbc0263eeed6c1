import API
import ArgumentParser
import Auth
import Common
import FoundationEssentials
import Runtime
import Storage

/// `create-admin`: admins are made only here, never over the API.
struct CreateAdmin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an admin account; the password is read from standard input (without echo on a terminal).")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "The admin's email address.") var email: String
    @Option(help: "The admin's name.") var name: String
    @Flag(help: "Make an existing account an admin and give it this password.") var resetPassword = false

    func run() throws {
        let address = try EmailAddress(email)
        let services = try options.servicesForWriting("create-admin --email \(email) --name ...")
        let existing = try services.auth.user(email: address.value)
        if existing != nil, !resetPassword {
            throw CommandFailure("\(address.value) has an account; add --reset-password to make it an admin with a new password")
        }
        let password = PasswordPrompt.read(prompt: "password for \(address.value): ") ?? ""
        try PasswordPolicy.validate(password)
        let hash = try services.hasher.hash(password)
        if let existing {
            try services.auth.setRole(userID: existing.id, role: .admin)
            try services.auth.updatePasswordHash(userID: existing.id, hash: hash)
            print("made \(address.value) an admin with a new password (\(existing.id))")
        } else {
            let user = try services.auth.createUser(
                id: Identifier.make("u_"), email: address.value, name: name, role: .admin, passwordHash: hash, now: services.now())
            print("created admin \(address.value) (\(user.id))")
        }
    }
}

/// `create-venue`: a venue from a JSON file, as `POST /api/venues` takes it.
struct CreateVenue: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a venue from a JSON file ({id, name, city?, timezone, layout}).")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "The venue's JSON file.") var file: String
    @Option(help: "The email of the organizer (or admin) who owns it.") var owner: String

    func run() throws {
        let services = try options.servicesForWriting("create-venue --file \(file) --owner \(owner)")
        guard let user = try services.auth.user(email: try EmailAddress(owner).value), user.role != .customer else {
            throw CommandFailure("\(owner) is not an organizer or admin")
        }
        let body: VenuesController.CreateBody
        do {
            body = try JSON.decode(VenuesController.CreateBody.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        } catch is JSON.Malformed { throw CommandFailure("\(file) is not valid JSON") }
        guard let id = VenueID(body.id), TimeZoneDatabase.contains(body.timezone) else {
            throw CommandFailure("invalid venue id or timezone")
        }
        let layout = try body.layout.layout()
        let store = try services.venues.create(id) { store in
            try store.initialise(
                id: id, name: body.name, city: body.city, timezone: body.timezone, ownerID: user.id, layout: layout, now: services.now())
        }
        try services.catalog.sync(id, store: store)
        print("created venue \(id.value) with \(try store.seats().count) seats")
    }
}

/// `list-venues`: every venue with its owner and event count.
struct ListVenues: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every venue with its owner and event count.")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let services = try options.services("cli")
        for id in try services.venues.allIDs() {
            guard let store = try services.venues.store(id) else { continue }
            let venue = try store.venue()
            let owner = try services.auth.user(id: venue.ownerID)?.email ?? venue.ownerID
            print("\(id.value)\t\(venue.name)\t\(owner)\t\(try store.events().count) events")
        }
    }
}

/// `demo`: the demo venues, events and accounts of `make run`.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the demo venues, events and accounts if there are no venues.")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        try DemoData.create(services: try options.servicesForWriting("demo"))
    }
}

/// `check`: integrity and the booking invariants of every database.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run integrity_check and the booking invariants on every database (exit 1 when any fails); show the replication lag.")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let configuration = try options.configuration()
        let services = try options.services("cli")
        var problems = try Checker.check(path: configuration.authDatabasePath, venue: false)
        for id in try services.venues.allIDs() {
            problems += try Checker.check(path: services.venues.filePath(id), venue: true).map { "\(id.value): \($0)" }
        }
        for line in ReplicationReport.lines(configuration: configuration, venueIDs: try services.venues.allIDs().map(\.value)) { print(line) }
        for problem in problems { print("PROBLEM \(problem)") }
        print(problems.isEmpty ? "ok: every database passed integrity_check and the booking invariants" : "\(problems.count) problems")
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

/// `rebuild-index`: the cross-venue catalog is derived data.
struct RebuildIndex: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rebuild the cross-venue catalog from the venue files.")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let services = try options.servicesForWriting("rebuild-index")
        try services.catalog.rebuild(from: services.venues)
        print("rebuilt the catalog from \(try services.venues.allIDs().count) venue files")
    }
}

/// `migrate`: every database brought to this binary's schema, before its workers replace
/// the old ones (`deploy/upgrade.sh`). Migrations only add, so the old workers go on serving
/// meanwhile; each database is migrated in one transaction under its write lock.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply this version's schema migrations to every database (before an upgrade's reload).")

    @OptionGroup var options: DataDirectoryOption

    func run() throws {
        let services = try options.servicesForWriting("migrate")  // opening the auth database and the catalog migrates them
        let configuration = services.configuration
        var databases = [("auth", configuration.authDatabasePath), ("catalog", configuration.dataDirectory + "/catalog.sqlite")]
        for id in try services.venues.allIDs() {
            _ = try services.venues.store(id)  // opening a venue migrates it
            databases.append(("venue \(id.value)", services.venues.filePath(id)))
        }
        for (name, path) in databases { print("\(name): schema \(try DatabaseFiles.schemaVersion(ofDatabaseAt: path))") }
    }
}

/// `reconcile`: finishes requests abandoned between their payment and its confirmation.
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finish requests abandoned between payment and confirmation (the notifier does it every minute).")

    @OptionGroup var options: DataDirectoryOption
    @Option(help: "Only payments started more than this many seconds ago.") var olderThan = VenueStore.abandonedAge

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than takes seconds (0 or more)") }
    }

    func run() throws {
        let services = try options.servicesForWriting("reconciler")
        let finished = try services.checkout.finishAbandonedRequests(in: services.venues, olderThan: olderThan) { venue in
            BookingReplies.replies(venueID: venue, requestID: "reconcile", log: services.log)
        }
        services.finishDeferredWork()
        print("finished \(finished) abandoned requests")
    }
}

/// `routes`: every API route (the OpenAPI test compares them with the document).
struct ListRoutes: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "routes", abstract: "Print every API route (method and path).")

    func run() throws {
        for route in Routes.names { print(route) }
    }
}
