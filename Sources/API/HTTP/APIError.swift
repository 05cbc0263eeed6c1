import FastCGIServer

/// An error as the API reports it: `{"error": {"code", "message", "details"}}` with a status.
struct APIError: Error, Sendable {
    let status: Status
    let code: String
    let message: String
    var details: [String: JSONValue]?
    var headers: [(String, String)] = []

    init(_ status: Status, _ code: String, _ message: String, details: [String: JSONValue]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    static func unprocessable(_ message: String, code: String = "validation_failed", field: String? = nil) -> APIError {
        APIError(.unprocessable, code, message, details: field.map { ["field": .string($0)] })
    }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }
    static let unauthenticated = APIError(.unauthorized, "unauthenticated", "sign in first")
    static func forbidden(_ message: String = "you may not do this") -> APIError { APIError(.forbidden, "forbidden", message) }

    /// This error with a `Retry-After` of `seconds` (429 and 503 answers carry one).
    func retryingAfter(_ seconds: Int) -> APIError {
        var error = self
        error.headers.append(("Retry-After", "\(seconds)"))
        return error
    }

    var response: Response {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
                let details: [String: JSONValue]?
            }
            let error: Inner
        }
        var response =
            (try? Response.json(Body(error: .init(code: code, message: message, details: details)), status: status))
            ?? Response(status: .internalError)
        for (name, value) in headers { response.setHeader(name, value) }
        return response
    }
}

/// A small JSON value for error details and free-form fields.
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let v): try container.encode(v)
        case .int(let v): try container.encode(v)
        case .bool(let v): try container.encode(v)
        case .array(let v): try container.encode(v)
        case .object(let v): try container.encode(v)
        }
    }
}
