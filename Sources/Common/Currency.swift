internal import CICU

/// An ISO 4217 currency in circulation, with the number of digits of its minor unit.
///
/// The list and the digits come from ICU's copy of CLDR (Debian's libicu), the same data
/// browsers format money with through `Intl.NumberFormat`, so an amount reads the same in
/// the browser, the email and the PDF: 4500 is "45.00 EUR", "4500 JPY", "4.500 KWD".
/// Prices are integers of minor units everywhere else in the system.
public struct Currency: Hashable, Sendable {
    /// The three capital letters, e.g. "EUR".
    public let code: String
    /// Digits after the decimal point: 0 (JPY, CLP, VND, XOF), 2 (EUR) or 3 (KWD, BHD).
    public let minorDigits: Int

    /// The currency of `code` (exact capitals), or nil when it is not one in circulation:
    /// withdrawn codes (DEM), funds and metals (CLF, XAU) and made-up ones (ABC) are refused.
    public init?(code: String) {
        guard let digits = Self.inCirculation[code] else { return nil }
        self.code = code
        self.minorDigits = digits
    }

    /// Every currency in circulation, by code.
    public static let inCirculation: [String: Int] = {
        var buffer = [CChar](repeating: 0, count: 3 * 400)
        let count = booking_currencies_in_circulation(&buffer, Int32(buffer.count))
        var table: [String: Int] = [:]
        for index in 0..<max(0, Int(count)) {
            let letters = buffer[(index * 3)..<(index * 3 + 3)].map { UInt8(bitPattern: $0) }
            let code = String(decoding: letters, as: UTF8.self)
            let digits = booking_currency_digits(code)
            if digits >= 0 { table[code] = Int(digits) }
        }
        return table
    }()

    /// `minor` units as a decimal amount with the code: "45.00 EUR", "-4.500 KWD", "4500 JPY".
    public func format(_ minor: Int) -> String {
        guard minorDigits > 0 else { return "\(minor) \(code)" }
        var scale = 1
        for _ in 0..<minorDigits { scale *= 10 }
        let magnitude = minor.magnitude
        let fraction = String(magnitude % UInt(scale))
        let sign = minor < 0 ? "-" : ""
        return "\(sign)\(magnitude / UInt(scale)).\(String(repeating: "0", count: minorDigits - fraction.count))\(fraction) \(code)"
    }

    /// `minor` units of the currency `code`. A code outside the table (an event created
    /// before codes were checked) is shown with two digits, the most common minor unit.
    public static func format(_ minor: Int, code: String) -> String {
        (Currency(code: code) ?? Currency(uncheckedCode: code, minorDigits: 2)).format(minor)
    }

    private init(uncheckedCode: String, minorDigits: Int) {
        self.code = uncheckedCode
        self.minorDigits = minorDigits
    }
}
