/// An HTTP status with its reason phrase.
package struct Status: Equatable, Sendable {
    package let code: Int
    package let reason: String

    package init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    package static let ok = Status(code: 200, reason: "OK")
    package static let created = Status(code: 201, reason: "Created")
    package static let accepted = Status(code: 202, reason: "Accepted")
    package static let noContent = Status(code: 204, reason: "No Content")
    package static let notModified = Status(code: 304, reason: "Not Modified")
    package static let badRequest = Status(code: 400, reason: "Bad Request")
    package static let unauthorized = Status(code: 401, reason: "Unauthorized")
    package static let paymentRequired = Status(code: 402, reason: "Payment Required")
    package static let forbidden = Status(code: 403, reason: "Forbidden")
    package static let notFound = Status(code: 404, reason: "Not Found")
    package static let methodNotAllowed = Status(code: 405, reason: "Method Not Allowed")
    package static let conflict = Status(code: 409, reason: "Conflict")
    package static let gone = Status(code: 410, reason: "Gone")
    package static let payloadTooLarge = Status(code: 413, reason: "Payload Too Large")
    package static let unsupportedMediaType = Status(code: 415, reason: "Unsupported Media Type")
    package static let unprocessable = Status(code: 422, reason: "Unprocessable Content")
    package static let tooManyRequests = Status(code: 429, reason: "Too Many Requests")
    package static let internalError = Status(code: 500, reason: "Internal Server Error")
    package static let serviceUnavailable = Status(code: 503, reason: "Service Unavailable")
}

/// An HTTP response. Headers keep their order; names are sent as given.
package struct Response {
    package var status: Status
    package var headers: [(String, String)]
    package var body: [UInt8]

    package init(status: Status, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package static func empty(_ status: Status = .noContent) -> Response { Response(status: status) }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    package mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}
