internal import CQRencode

/// The modules of a ticket code's QR code, from libqrencode (error correction M, 8-bit
/// mode): what the SVG of the browser and the PDF's page both draw.
package struct QRMatrix: Sendable {
    package struct EncodingFailed: Error {}

    /// Modules per side, without the quiet zone.
    package let width: Int
    /// Row by row, `true` for a dark module.
    private let modules: [Bool]
    /// The light margin readers need around the code, in modules.
    package static let quietZone = 4

    package init(_ text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { throw EncodingFailed() }
        defer { QRcode_free(code) }
        width = Int(code.pointee.width)
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    package func isDark(x: Int, y: Int) -> Bool { modules[y * width + x] }

    /// The dark modules, row by row, as (x, y) from the top left.
    package var darkModules: [(x: Int, y: Int)] {
        var dark: [(x: Int, y: Int)] = []
        for y in 0..<width {
            for x in 0..<width where isDark(x: x, y: y) { dark.append((x, y)) }
        }
        return dark
    }
}
