import FastCGIServer
import Glibc

/// `GET /api/health`: 200 when this worker can serve and the data directory is writable.
enum HealthController {
    static func health(_ request: Request, _ context: inout RequestContext) throws -> Response {
        struct Health: Encodable { let status: String }
        guard access(context.services.configuration.dataDirectory, W_OK) == 0 else {
            throw APIError(.serviceUnavailable, "unhealthy", "the data directory is not writable").retryingAfter(5)
        }
        return try .json(Health(status: "ok"))
    }
}
