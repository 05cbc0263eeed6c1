// swift-tools-version: 6.0
import PackageDescription

/// The booking system: nginx forwards /api/ over FastCGI to `booking-fcgi`, a pre-forked
/// pool of Swift workers; each venue lives in its own SQLite file (see ../shared/DESIGN.md
/// and docs/architecture.md). The targets, from the bottom up:
///
///     Common          logging, the JSON configuration, RFC 3339 times, currencies, signals
///     SQLite          the wrapper over libsqlite3: statements, write transactions, migrations
///     Storage, Auth   the databases (the only SQL); passwords and tokens
///     Booking         the purchase rules: checkout, payments, refunds
///     Runtime         what every process opens: configuration, stores, live publishing, metrics
///     FastCGIServer   HTTP over FastCGI: the pre-forked pool (knows nothing of the domain)
///     Documents       a booking's tickets as a PDF (cairo) and its calendar file (RFC 5545)
///     API, Notifier   the routes and controllers; email and the other after-commit work
///     BookingFCGI     the `booking-fcgi` executable: the operator CLI over all of them
let package = Package(
    name: "booking",
    products: [
        .executable(name: "booking-fcgi", targets: ["BookingFCGI"])
    ],
    dependencies: [
        // SHA-256 for session-token hashing and HMAC for CSRF tokens; BoringSSL-backed on Linux.
        // Version 4 needs only FoundationEssentials (3.x pulled all of Foundation and ICU into every worker).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // The operator CLI: subcommands, options, usage and errors.
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian, each behind a module map; never re-exported.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Tickets as PDF: cairo's PDF surface (text in DejaVu Sans, Debian's fonts-dejavu-core).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Currencies and their minor units from CLDR, the data browsers' Intl formats money with.
        .systemLibrary(name: "CICU", pkgConfig: "icu-uc", providers: [.apt(["libicu-dev"])]),
        // What Swift's Glibc module lacks: atomics on shared memory, epoll, prctl, posix_spawn's closefrom.
        .systemLibrary(name: "CSystem"),

        // Logging, the one JSON configuration, RFC 3339 times, money, signal handlers: used by every layer.
        .target(name: "Common", dependencies: ["CICU"]),
        // The SQLite wrapper: connections, prepared statements, write transactions, migrations.
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        // The venue, auth and catalog databases; only invariant-preserving operations are public.
        .target(name: "Storage", dependencies: ["SQLite", "Auth", "Common"]),
        // Passwords, session tokens, CSRF, account rules. Knows nothing of venues.
        .target(name: "Auth", dependencies: ["CArgon2", "Common", .product(name: "Crypto", package: "swift-crypto")]),
        // The purchase lifecycle (hold -> paying -> charge -> confirm / decline -> refund) over Storage.
        .target(name: "Booking", dependencies: ["Storage", "Auth", "Common"]),
        // What every process of the system opens: configuration, stores, live publishing, shared metrics.
        .target(name: "Runtime", dependencies: ["Storage", "Auth", "Booking", "Common", "CSystem"]),
        // HTTP over FastCGI: the master, its pre-forked workers, requests and responses.
        .target(name: "FastCGIServer", dependencies: ["CFastCGI", "CSystem", "Common"]),
        // A booking's tickets as a PDF (a page each, with its QR code) and its event as a calendar file.
        .target(name: "Documents", dependencies: ["Storage", "Runtime", "Common", "CCairo", "CQRencode"]),
        // The HTTP API: routes, controllers, views, the one error mapping.
        .target(
            name: "API",
            dependencies: [
                "FastCGIServer", "Runtime", "Booking", "Storage", "Auth", "Common", "Documents", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // After each commit: email from the outbox, the hold sweeper, the waiting list, the catalog, the reconciler.
        .target(name: "Notifier", dependencies: ["Runtime", "Booking", "Storage", "Auth", "Common", "Documents", "CSystem"]),
        // `booking-fcgi`: serve, worker, notifier and the operator commands.
        .executableTarget(
            name: "BookingFCGI",
            dependencies: [
                "API", "Notifier", "FastCGIServer", "Runtime", "Booking", "Storage", "Auth", "Common", "CSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // What the test targets share (temporary directories).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CommonTests", dependencies: ["Common"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "SQLite", "TestSupport"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "Common"]),
        .testTarget(name: "BookingTests", dependencies: ["Booking", "Storage", "SQLite", "Auth", "Common"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Storage", "Common", "TestSupport"]),
        .testTarget(name: "FastCGIServerTests", dependencies: ["FastCGIServer"]),
        .testTarget(
            name: "APITests", dependencies: ["API", "FastCGIServer", "Runtime", "Booking", "Storage", "SQLite", "Auth", "Common", "CZlib"]),
        .testTarget(name: "NotifierTests", dependencies: ["Notifier", "Documents", "Runtime", "Storage", "Common"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "Storage", "Runtime", "Common"]),
    ]
)

// The layers are modules of their own, but the hot path crosses them for every query (a
// statement's bind, step and row reads in SQLite, called from Storage), so release builds
// optimize across modules as they did when it was one module (measured: docs/benchmarks.md).
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
