import FoundationEssentials

/// An HTTP status with its reason phrase.
struct Status: Equatable, Sendable {
    let code: Int
    let reason: String

    static let ok = Status(code: 200, reason: "OK")
    static let created = Status(code: 201, reason: "Created")
    static let noContent = Status(code: 204, reason: "No Content")
    static let notModified = Status(code: 304, reason: "Not Modified")
    static let badRequest = Status(code: 400, reason: "Bad Request")
    static let unauthorized = Status(code: 401, reason: "Unauthorized")
    static let paymentRequired = Status(code: 402, reason: "Payment Required")
    static let forbidden = Status(code: 403, reason: "Forbidden")
    static let notFound = Status(code: 404, reason: "Not Found")
    static let methodNotAllowed = Status(code: 405, reason: "Method Not Allowed")
    static let conflict = Status(code: 409, reason: "Conflict")
    static let gone = Status(code: 410, reason: "Gone")
    static let payloadTooLarge = Status(code: 413, reason: "Payload Too Large")
    static let unsupportedMediaType = Status(code: 415, reason: "Unsupported Media Type")
    static let unprocessable = Status(code: 422, reason: "Unprocessable Content")
    static let tooManyRequests = Status(code: 429, reason: "Too Many Requests")
    static let internalError = Status(code: 500, reason: "Internal Server Error")
    static let serviceUnavailable = Status(code: 503, reason: "Service Unavailable")
}

/// An HTTP response. Headers keep their order; names are sent as given.
struct Response {
    var status: Status
    var headers: [(String, String)]
    var body: [UInt8]

    init(status: Status, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `value` encoded by the shared encoder.
    static func json<T: Encodable>(_ value: T, status: Status = .ok) throws -> Response {
        json(bytes: Array(try JSON.encoder.encode(value)), status: status)
    }

    /// JSON already written (`HandWrittenJSON`).
    static func json(bytes: [UInt8], status: Status = .ok) -> Response {
        Response(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes)
    }

    static func empty(_ status: Status = .noContent) -> Response { Response(status: status) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}
