import Common
import Crypto
import FastCGIServer

extension Response {
    /// A JSON answer with a tag of its bytes: 304 with no body when the client's
    /// `If-None-Match` names it (weakly, RFC 9110), so a page polled unchanged costs the
    /// client nothing to download. For answers with no version of their own (the list).
    static func revalidated(json body: [UInt8], for request: Request) -> Response {
        let tag = "\"" + ByteEncoding.hex(SHA256.hash(data: body)).prefix(32) + "\""
        let sent = request.header("if-none-match")?.split(separator: ",").map(\.trimmingWhitespace) ?? []
        if sent.contains(where: { $0 == tag || $0 == "W/" + tag || $0 == "*" }) {
            return Response(status: .notModified, headers: [("ETag", tag), ("Cache-Control", "no-cache")])
        }
        return Response(
            status: .ok, headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache"), ("ETag", tag)],
            body: body)
    }
}
