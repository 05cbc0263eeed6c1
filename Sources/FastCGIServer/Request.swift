import Dispatch

/// An HTTP request as nginx hands it over FastCGI: CGI parameters plus the body.
package struct Request {
    package let method: String
    /// Path segments, each percent-decoded on its own, so an encoded `/` stays inside its
    /// segment (and then fails id validation) instead of changing the route.
    package let segments: [String]
    package let path: String
    package let query: [String: String]
    package let headers: [String: String]
    package let body: [UInt8]
    package let bodyTooLarge: Bool
    package let remoteAddress: String
    package let requestID: String
    package let isHTTPS: Bool
    /// When the worker had read it (monotonic nanoseconds): its logged duration starts here,
    /// so time spent waiting behind other requests of a batch counts.
    package let receivedAt = DispatchTime.now().uptimeNanoseconds

    package init(params: [String: String], body: [UInt8], bodyTooLarge: Bool = false) {
        method = params["REQUEST_METHOD"] ?? "GET"
        let uri = params["REQUEST_URI"] ?? "/"
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "/")
        segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { percentDecode(String($0)) ?? "\u{FFFD}" }
        query = parts.count > 1 ? parseQuery(String(parts[1])) : [:]
        var headers: [String: String] = [:]
        for (key, value) in params where key.utf8.starts(with: "HTTP_".utf8) {
            headers[Self.headerName(cgi: key)] = value
        }
        if let type = params["CONTENT_TYPE"] { headers["content-type"] = type }
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        remoteAddress = params["REMOTE_ADDR"] ?? ""
        requestID = params["REQUEST_ID"] ?? ""
        isHTTPS = params["HTTPS"] == "on"
    }

    /// A header by lower-case name.
    package func header(_ name: String) -> String? { headers[name] }

    /// `HTTP_X_REQUEST_ID` -> `x-request-id`, on bytes (CGI names are ASCII).
    private static func headerName(cgi key: String) -> String {
        String(
            decoding: key.utf8.dropFirst(5).map { byte in
                switch byte {
                case UInt8(ascii: "_"): UInt8(ascii: "-")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
                default: byte
                }
            }, as: UTF8.self)
    }
}

/// Decodes `%XX` escapes (and `+` in queries when asked); nil for malformed escapes or bytes
/// that are not UTF-8.
package func percentDecode(_ text: String, plusAsSpace: Bool = false) -> String? {
    guard text.contains("%") || (plusAsSpace && text.contains("+")) else { return text }
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        switch byte {
        case UInt8(ascii: "%"):
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        case UInt8(ascii: "+") where plusAsSpace: bytes.append(UInt8(ascii: " "))
        default: bytes.append(byte)
        }
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

private func parseQuery(_ query: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in query.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = percentDecode(String(kv[0]), plusAsSpace: true) else { continue }
        result[key] = kv.count > 1 ? (percentDecode(String(kv[1]), plusAsSpace: true) ?? "\u{FFFD}") : ""
    }
    return result
}
