// swift-tools-version: 6.0
import PackageDescription

/// The booking system: nginx forwards /api/ over FastCGI to `booking-fcgi`, a pre-forked
/// pool of Swift workers; each venue lives in its own SQLite file (see ../shared/DESIGN.md).
let package = Package(
    name: "booking",
    products: [
        .executable(name: "booking-fcgi", targets: ["BookingFCGI"]),
    ],
    targets: [
        // C libraries from Debian, each behind a module map; never re-exported.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),

        // SQL and files: connections, migrations, the venue and auth databases.
        .target(name: "Storage", dependencies: ["CSQLite"]),
        // HTTP over FastCGI: the worker pool, routing, controllers, error mapping, the CLI.
        .executableTarget(
            name: "BookingFCGI",
            dependencies: ["CFastCGI", "CQRencode", "Storage"]
        ),

        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "BookingFCGITests", dependencies: ["BookingFCGI", "Storage"]),
    ]
)
