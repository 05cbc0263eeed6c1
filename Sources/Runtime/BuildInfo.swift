/// What was built: the version `booking-fcgi --version` prints and the Swift compiler that
/// built it (`booking_build_info` in the metrics).
package enum BuildInfo {
    package static let version = "2026.12.0"

    /// The compiler's major.minor version, known at compile time only through `#if compiler`.
    package static let swift: String = {
        #if compiler(>=6.5)
            return "6.5+"
        #elseif compiler(>=6.4)
            return "6.4"
        #elseif compiler(>=6.3)
            return "6.3"
        #elseif compiler(>=6.2)
            return "6.2"
        #elseif compiler(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }()
}
