// swift-tools-version: 6.0
import PackageDescription

/// The booking system: nginx forwards /api/ over FastCGI to `booking-fcgi`, a pre-forked
/// pool of Swift workers; each venue lives in its own SQLite file (see ../shared/DESIGN.md).
let package = Package(
    name: "booking",
    products: [
        .executable(name: "booking-fcgi", targets: ["BookingFCGI"]),
    ],
    dependencies: [
        // SHA-256 for session-token hashing and HMAC for CSRF tokens; BoringSSL-backed on Linux.
        // Version 4 needs only FoundationEssentials (3.x pulled all of Foundation and ICU into every worker).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // C libraries from Debian, each behind a module map; never re-exported.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The SQLite wrapper: connections, prepared statements, write transactions, migrations.
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        // The venue, auth and catalog databases; only invariant-preserving operations are public.
        .target(name: "Storage", dependencies: ["SQLite", "Auth"]),
        // Passwords, session tokens, CSRF, account rules. Knows nothing of venues.
        .target(name: "Auth", dependencies: ["CArgon2", .product(name: "Crypto", package: "swift-crypto")]),
        // HTTP over FastCGI: the worker pool, routing, controllers, error mapping, the CLI.
        .executableTarget(
            name: "BookingFCGI",
            dependencies: ["CFastCGI", "CQRencode", "CZlib", "Storage", "Auth", .product(name: "Crypto", package: "swift-crypto")]
        ),

        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "SQLite"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth"]),
        .testTarget(name: "BookingFCGITests", dependencies: ["BookingFCGI", "CZlib", "Storage", "Auth"]),
    ]
)
