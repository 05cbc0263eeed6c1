import FastCGIServer
import Glibc
import Runtime

/// `GET /api/health`: 200 when this worker can serve and the data directory is writable
/// (for load balancers: cheap). `GET /api/health/ready`: whether the whole install is fit
/// to sell (for monitoring; `Runtime/Readiness.swift` says what it checks).
enum HealthController {
    static func health(_ request: Request, _ context: inout RequestContext) throws -> Response {
        struct Health: Encodable { let status: String }
        guard access(context.services.configuration.dataDirectory, W_OK) == 0 else {
            throw APIError(.serviceUnavailable, "unhealthy", "the data directory is not writable").retryingAfter(5)
        }
        return try .json(Health(status: "ok"))
    }

    static func ready(_ request: Request, _ context: inout RequestContext) throws -> Response {
        struct Check: Encodable {
            let name: String
            let ok: Bool
            let value: Nullable<Double>
            let limit: Double
            let unit: String
            let message: String
        }
        struct Ready: Encodable {
            let status: String
            let checks: [Check]
        }
        let services = context.services
        let checks = Readiness.checks(
            configuration: services.configuration, venueIDs: try services.venues.allIDs().map(\.value),
            now: Double(services.now()))
        let ready = checks.allSatisfy(\.ok)
        return try .json(
            Ready(
                status: ready ? "ready" : "not_ready",
                checks: checks.map { Check(name: $0.name, ok: $0.ok, value: Nullable($0.value), limit: $0.limit, unit: $0.unit, message: $0.message) }
            ),
            status: ready ? .ok : .serviceUnavailable)
    }
}
