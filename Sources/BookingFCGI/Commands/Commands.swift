import API
import Auth
import Common
import FoundationEssentials
import Notifier
import Runtime
import Storage

/// Operator commands: `booking-fcgi <command>`. Each reads the same `BOOKING_*`
/// configuration as the server (`--data-dir` overrides the data directory).
enum Commands {
    static let usage = """
        usage: booking-fcgi <command>
          serve                         run the worker pool (master + workers)
          notifier                      run the notifier (email, hold sweeper, waitlist, catalog, reconciler)
          create-admin --email E --name N   create an admin (password read from stdin)
          demo                          create demo venues and events if there are none
          rebuild-index                 rebuild the cross-venue catalog from the venue files
          check                         integrity_check + domain invariants of every database
          routes                        print every API route (method and path)
          reconcile [--older-than S]    refund payments stranded between charge and confirmation (default 600 s)
          backup --to DIR [--venue ID]  consistent snapshots (VACUUM INTO) of the live databases
          restore --from DIR [--venue ID]   put a backup in place (services stopped), then rebuild the catalog
          create-venue --file LAYOUT.json --owner EMAIL   create a venue ({id, name, city?, timezone, layout})
          list-venues                   every venue with its owner and event count
        options: --data-dir DIR
        """

    static func run(_ command: String, options: [String: String], configuration: Configuration) throws -> Int32 {
        switch command {
        case "notifier":
            Notifier(services: try services(configuration, "booking-notifier")).run()
        case "routes":
            for route in Routes.names { print(route) }
            return 0
        case "create-admin":
            guard let email = options["email"], let name = options["name"] else { throw ConfigurationError("create-admin needs --email and --name") }
            let password = readLine(strippingNewline: true) ?? ""
            let services = try services(configuration, "cli")
            let address = try EmailAddress(email)
            try PasswordPolicy.validate(password)
            let hash = try services.hasher.hash(password)
            if let existing = try services.auth.user(email: address.value) {
                try services.auth.setRole(userID: existing.id, role: .admin)
                try services.auth.updatePasswordHash(userID: existing.id, hash: hash)
                print("made \(address.value) an admin (\(existing.id))")
            } else {
                let user = try services.auth.createUser(
                    id: Identifier.make("u_"), email: address.value, name: name, role: .admin,
                    passwordHash: hash, now: services.now())
                print("created admin \(address.value) (\(user.id))")
            }
            return 0
        case "demo":
            let services = try services(configuration, "cli")
            try DemoData.create(services: services)
            return 0
        case "rebuild-index":
            let services = try services(configuration, "cli")
            try services.catalog.rebuild(from: services.venues)
            print("rebuilt the catalog from \(try services.venues.allIDs().count) venue files")
            return 0
        case "reconcile":
            let services = try services(configuration, "reconciler")
            guard let age = Int(options["older-than"] ?? "600"), age >= 0 else { throw ConfigurationError("--older-than takes seconds") }
            let refunded = try services.checkout.refundStrandedPayments(in: services.venues, olderThan: age)
            services.finishDeferredWork()
            print("refunded \(refunded) stranded payments")
            return 0
        case "backup":
            guard let target = options["to"] else { throw ConfigurationError("backup needs --to DIR") }
            let services = try services(configuration, "cli")
            for path in try Backup.backup(services: services, to: target, venue: try venueOption(options)) { print("wrote \(path)") }
            return 0
        case "restore":
            guard let source = options["from"] else { throw ConfigurationError("restore needs --from DIR") }
            let services = try services(configuration, "cli")
            for path in try Backup.restore(services: services, from: source, venue: try venueOption(options)) { print("restored \(path)") }
            try services.catalog.rebuild(from: services.venues)
            print("rebuilt the catalog")
            return 0
        case "create-venue":
            guard let file = options["file"], let owner = options["owner"] else { throw ConfigurationError("create-venue needs --file and --owner") }
            let services = try services(configuration, "cli")
            guard let user = try services.auth.user(email: try EmailAddress(owner).value), user.role != .customer else {
                throw ConfigurationError("\(owner) is not an organizer or admin")
            }
            let body: VenuesController.CreateBody
            do {
                body = try JSON.decode(VenuesController.CreateBody.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            } catch is JSON.Malformed { throw ConfigurationError("\(file) is not valid JSON") }
            guard let id = VenueID(body.id), TimeZoneDatabase.contains(body.timezone) else {
                throw ConfigurationError("invalid venue id or timezone")
            }
            let layout = try body.layout.layout()
            let store = try services.venues.create(id) { store in
                try store.initialise(
                    id: id, name: body.name, city: body.city, timezone: body.timezone, ownerID: user.id, layout: layout, now: services.now())
            }
            try services.catalog.sync(id, store: store)
            print("created venue \(id.value) with \(try store.seats().count) seats")
            return 0
        case "list-venues":
            let services = try services(configuration, "cli")
            for id in try services.venues.allIDs() {
                guard let store = try services.venues.store(id) else { continue }
                let venue = try store.venue()
                let owner = try services.auth.user(id: venue.ownerID)?.email ?? venue.ownerID
                print("\(id.value)\t\(venue.name)\t\(owner)\t\(try store.events().count) events")
            }
            return 0
        case "check":
            let services = try services(configuration, "cli")
            var problems = try Checker.check(path: configuration.authDatabasePath, venue: false)
            for id in try services.venues.allIDs() {
                problems += try Checker.check(path: services.venues.filePath(id), venue: true).map { "\(id.value): \($0)" }
            }
            for problem in problems { print("PROBLEM \(problem)") }
            print(problems.isEmpty ? "ok: every database passed integrity_check and the booking invariants" : "\(problems.count) problems")
            return problems.isEmpty ? 0 : 1
        default:
            throw ConfigurationError(usage)
        }
    }

    /// What a command opens: the stores, with the pool's metric rows.
    private static func services(_ configuration: Configuration, _ component: String) throws -> Services {
        try Services(configuration: configuration, log: Logger(component: component), routes: Routes.names)
    }

    private static func venueOption(_ options: [String: String]) throws -> VenueID? {
        guard let raw = options["venue"] else { return nil }
        guard let id = VenueID(raw) else { throw ConfigurationError("\(raw) is not a venue id") }
        return id
    }
}
