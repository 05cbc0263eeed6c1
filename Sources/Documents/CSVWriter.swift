/// A CSV file as RFC 4180 writes it, safe to open in a spreadsheet: UTF-8, CRLF after every
/// record, a cell quoted when it holds a comma, a quote, CR or LF (its quotes doubled), and a
/// cell that a spreadsheet would read as a formula neutralised with a leading `'` (OWASP's
/// advice against CSV injection).
package struct CSVWriter {
    private(set) package var bytes: [UInt8] = []

    package init() {}

    /// Appends one record.
    package mutating func append(_ cells: [String]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += Self.encode(cell).utf8
        }
        bytes += [0x0D, 0x0A]
    }

    /// `cell` as it goes between the commas.
    package static func encode(_ cell: String) -> String {
        let text = neutralise(cell)
        guard text.unicodeScalars.contains(where: Self.needsQuotes.contains) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// What a cell holds only between quotes (scalars: Swift's `Character` reads CR LF as one).
    static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]

    /// First characters with which Excel, LibreOffice or Google Sheets start a formula (tab
    /// and CR because some of them skip those first).
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `cell` with a `'` in front when a spreadsheet would evaluate it.
    package static func neutralise(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }
}
