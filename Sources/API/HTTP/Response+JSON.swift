import Common
import FastCGIServer
import FoundationEssentials

extension Response {
    /// A JSON response with `value` encoded by the shared encoder.
    static func json<T: Encodable>(_ value: T, status: Status = .ok) throws -> Response {
        json(bytes: Array(try JSON.encoder.encode(value)), status: status)
    }

    /// JSON already written (`HandWrittenJSON`).
    static func json(bytes: [UInt8], status: Status = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes)
    }
}
