import Documents

/// Ticket QR codes as SVG, drawn from libqrencode's module matrix (`QRMatrix`, which the
/// tickets' PDF draws too).
enum QRCodeSVG {
    static func render(_ text: String) throws -> String {
        let matrix = try QRMatrix(text)
        let quiet = QRMatrix.quietZone
        let size = matrix.width + 2 * quiet
        var path = ""
        for (x, y) in matrix.darkModules {
            path += "M\(x + quiet) \(y + quiet)h1v1h-1z"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges" role="img" aria-label="QR code of ticket \(text)">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
