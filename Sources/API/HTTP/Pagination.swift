import Common
import FastCGIServer
import FoundationEssentials

/// `?limit=` (default 20, max 100) and an opaque `?cursor=` (base64url of the sort key of the
/// last item returned).
struct Page {
    let limit: Int
    let cursor: [String]?

    init(_ request: Request) throws {
        if let text = request.query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else { throw RequestError.invalidParameter("limit is 1 to 100") }
            limit = value
        } else {
            limit = 20
        }
        if let text = request.query["cursor"], !text.isEmpty {
            guard text.utf8.count <= 512, let bytes = ByteEncoding.bytes(base64URL: text), let decoded = String(validating: bytes, as: UTF8.self)
            else {
                throw RequestError.invalidCursor
            }
            cursor = decoded.components(separatedBy: "\n")
        } else {
            cursor = nil
        }
    }

    /// The cursor's sort key as a number and an id (the lists' `(time, id)` keys), or nil on
    /// the first page; `invalidCursor` for any other shape.
    func timeAndID() throws(RequestError) -> (Int, String)? {
        guard let cursor else { return nil }
        guard cursor.count == 2, let time = Int(cursor[0]) else { throw .invalidCursor }
        return (time, cursor[1])
    }

    static func cursor(_ parts: [String]) -> String {
        ByteEncoding.base64URL(Array(parts.joined(separator: "\n").utf8))
    }
}

extension Request {
    /// An RFC 3339 query parameter as Unix seconds.
    func timeParameter(_ name: String) throws -> Int? {
        guard let text = query[name], !text.isEmpty else { return nil }
        guard let date = RFC3339.date(from: text) else {
            throw RequestError.invalidParameter("\(name) must be an RFC 3339 time such as 2026-12-31T20:00:00Z")
        }
        return Int(date.timeIntervalSince1970)
    }
}

/// A page of a list: `{"<name>": [...], "nextCursor": "…" | null}` (null is written, not omitted).
struct PageBody<Item: Encodable>: Encodable {
    let name: String
    let items: [Item]
    let nextCursor: String?

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(name))
        try container.encode(nextCursor, forKey: Key("nextCursor"))
    }
}
