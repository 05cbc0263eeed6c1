import Common
import FastCGIServer
import Storage

extension Request {
    /// Whether the client takes a gzip body (RFC 9110, 12.5.3): `gzip` (or `x-gzip`) listed
    /// with a weight above 0, or else `*` with one. A malformed weight counts as a refusal;
    /// a coding listed twice counts as first listed, as nginx's gzip reads it.
    var acceptsGzip: Bool {
        guard let header = header("accept-encoding") else { return false }
        var gzip: Bool?
        var anyCoding: Bool?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let coding = parts.first?.trimmingWhitespace.lowercased() else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingWhitespace.lowercased() == "q" else { continue }
                weight = Self.qvalue(pair[1].trimmingWhitespace) ?? 0
            }
            switch coding {
            case "gzip", "x-gzip": gzip = gzip ?? (weight > 0)
            case "*": anyCoding = anyCoding ?? (weight > 0)
            default: break
            }
        }
        return gzip ?? anyCoding ?? false
    }

    /// `0`, `0.5`, `1.000`: at most three decimals, between 0 and 1.
    private static func qvalue(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard (1...5).contains(bytes.count), bytes[0] == UInt8(ascii: "0") || bytes[0] == UInt8(ascii: "1") else { return nil }
        if bytes.count > 1 {
            guard bytes[1] == UInt8(ascii: "."), bytes.dropFirst(2).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
        }
        guard let value = Double(text), value <= 1 else { return nil }
        return value
    }
}
