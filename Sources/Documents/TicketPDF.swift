internal import CCairo

/// A booking's tickets as a PDF, one A6 page per ticket, drawn with cairo's PDF surface
/// (Debian's libcairo2): the event, the venue, the start in the venue's time zone, the
/// section and seat (or general admission), the price in the event's currency, the ticket
/// code as a QR code and as text, and the booking reference. Text is DejaVu Sans (Debian's
/// fonts-dejavu-core), embedded as a subset, so `pdftotext` reads it back.
package enum TicketPDF {
    package struct RenderingFailed: Error, CustomStringConvertible {
        package let description: String
    }

    /// A6 portrait in points (105 x 148 mm).
    static let pageWidth = 297.64
    static let pageHeight = 419.53
    static let margin = 22.0
    static let font = "DejaVu Sans"
    static let codeFont = "DejaVu Sans Mono"

    /// The PDF's bytes.
    package static func render(_ details: BookingDetails) throws -> [UInt8] {
        let sink = Sink()
        return try withExtendedLifetime(sink) {
            guard
                let surface = cairo_pdf_surface_create_for_stream(
                    { closure, data, length in
                        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                        Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().bytes.append(
                            contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                        return CAIRO_STATUS_SUCCESS
                    }, Unmanaged.passUnretained(sink).toOpaque(), pageWidth, pageHeight)
            else { throw RenderingFailed(description: "no PDF surface") }
            defer { cairo_surface_destroy(surface) }
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Tickets: \(details.event.title)")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "booking")
            guard let cairo = cairo_create(surface) else { throw RenderingFailed(description: "no cairo context") }
            defer { cairo_destroy(cairo) }
            for (index, ticket) in details.tickets.enumerated() {
                try drawPage(Page(cairo: cairo), ticket: ticket, number: index + 1, details: details)
                cairo_show_page(cairo)
            }
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            guard status == CAIRO_STATUS_SUCCESS else { throw RenderingFailed(description: String(cString: cairo_status_to_string(status))) }
            return sink.bytes
        }
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private static func drawPage(_ page: Page, ticket: BookingDetails.Ticket, number: Int, details: BookingDetails) throws {
        let width = pageWidth - 2 * margin
        var y = margin
        page.color(0.35)
        y = page.text(details.place, font: font, size: 9, bold: false, x: margin, top: y, width: width)
        page.color(0)
        y = page.text(details.event.title, font: font, size: 16, bold: true, x: margin, top: y + 4, width: width, maxLines: 3)
        y = page.text(details.startsAt, font: font, size: 10, bold: false, x: margin, top: y + 4, width: width)
        y += 8
        page.rule(x: margin, y: y, width: width)
        y = page.text(ticket.sectionName, font: font, size: 11, bold: false, x: margin, top: y + 8, width: width)
        y = page.text(ticket.place, font: font, size: 14, bold: true, x: margin, top: y + 2, width: width)
        y = page.text(ticket.price, font: font, size: 11, bold: false, x: margin, top: y + 2, width: width)
        if details.booking.status == .cancelled || details.event.status == .cancelled {
            page.color(0.7, 0, 0)
            y = page.text("Cancelled: this ticket is not valid", font: font, size: 11, bold: true, x: margin, top: y + 4, width: width)
            page.color(0)
        }
        // The QR code, centred in what is left above the code's text and the footer.
        let matrix = try QRMatrix(ticket.code)
        let modules = Double(matrix.width + 2 * QRMatrix.quietZone)
        let room = pageHeight - margin - 52 - (y + 6)
        let side = min(width * 0.72, room)
        let module = side / modules
        let left = (pageWidth - side) / 2
        let top = y + 6 + (room - side) / 2
        page.qr(matrix, left: left + module * Double(QRMatrix.quietZone), top: top + module * Double(QRMatrix.quietZone), module: module)
        y = top + side
        y = page.text(ticket.code, font: codeFont, size: 13, bold: true, x: margin, top: y, width: width, centred: true)
        page.color(0.35)
        let footer = "Booking \(details.booking.id) · ticket \(number) of \(details.tickets.count)"
        _ = page.text(footer, font: font, size: 8, bold: false, x: margin, top: y + 6, width: width, centred: true)
        page.color(0)
    }

    /// Drawing on one page with cairo's toy text API (enough for left-aligned lines wrapped
    /// at spaces; no shaping of complex scripts).
    private struct Page {
        let cairo: OpaquePointer

        func color(_ grey: Double) { cairo_set_source_rgb(cairo, grey, grey, grey) }
        func color(_ red: Double, _ green: Double, _ blue: Double) { cairo_set_source_rgb(cairo, red, green, blue) }

        func rule(x: Double, y: Double, width: Double) {
            cairo_save(cairo)
            cairo_set_source_rgb(cairo, 0.75, 0.75, 0.75)
            cairo_set_line_width(cairo, 0.75)
            cairo_move_to(cairo, x, y)
            cairo_line_to(cairo, x + width, y)
            cairo_stroke(cairo)
            cairo_restore(cairo)
        }

        func qr(_ matrix: QRMatrix, left: Double, top: Double, module: Double) {
            cairo_save(cairo)
            cairo_set_source_rgb(cairo, 0, 0, 0)
            for (x, y) in matrix.darkModules {
                cairo_rectangle(cairo, left + Double(x) * module, top + Double(y) * module, module, module)
            }
            cairo_fill(cairo)
            cairo_restore(cairo)
        }

        /// Draws `text` from `top` in lines of at most `width`, and returns the bottom of the
        /// last line. Past `maxLines` the last line ends with an ellipsis.
        func text(
            _ text: String, font: String, size: Double, bold: Bool, x: Double, top: Double, width: Double, maxLines: Int = 2,
            centred: Bool = false
        ) -> Double {
            cairo_select_font_face(cairo, font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(cairo, size)
            var extents = cairo_font_extents_t()
            cairo_font_extents(cairo, &extents)
            var y = top
            for line in lines(text, width: width, maxLines: maxLines) {
                y += extents.ascent
                let offset = centred ? (width - advance(line)) / 2 : 0
                cairo_move_to(cairo, x + max(0, offset), y)
                cairo_show_text(cairo, line)
                y += extents.descent
            }
            return y
        }

        func advance(_ text: String) -> Double {
            var extents = cairo_text_extents_t()
            cairo_text_extents(cairo, text, &extents)
            return extents.x_advance
        }

        /// Words (split at spaces) filled into lines no wider than `width`; a word wider than
        /// a line is cut where it overflows.
        func lines(_ text: String, width: Double, maxLines: Int) -> [String] {
            let clean = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
            var lines: [String] = []
            var current = ""
            for word in clean.split(separator: " ") {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if advance(candidate) <= width {
                    current = candidate
                    continue
                }
                if !current.isEmpty { lines.append(current) }
                current = ""
                for character in word {
                    if !current.isEmpty, advance(current + String(character)) > width {
                        lines.append(current)
                        current = ""
                    }
                    current.append(character)
                }
            }
            if !current.isEmpty { lines.append(current) }
            guard lines.count > maxLines else { return lines }
            var last = lines[maxLines - 1]
            while !last.isEmpty, advance(last + "…") > width { last.removeLast() }
            return Array(lines.prefix(maxLines - 1)) + [last + "…"]
        }
    }
}
