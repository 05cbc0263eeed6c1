import Storage

/// The one place where failures become HTTP answers. Domain errors get their status here;
/// anything unexpected is logged with context and answered 500 without internals.
enum ErrorMapping {
    static func response(for error: any Error, log: Logger, requestID: String) -> Response {
        switch error {
        case let error as APIError:
            return error.response
        case let error as ConfigurationError:
            log.error("configuration", ["error": error.description, "requestId": requestID])
            return APIError(.serviceUnavailable, "unavailable", "the service is misconfigured").response
        default:
            log.error("unhandled error", ["error": String(describing: error), "requestId": requestID])
            return APIError(.internalError, "internal_error", "something went wrong on our side").response
        }
    }
}
