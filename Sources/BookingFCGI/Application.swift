import Foundation
import Glibc
import Storage

/// Turns a `Request` into a `Response`: routing, the body limit, error mapping and the access log.
/// Independent of FastCGI so tests can drive it in-process.
struct Application {
    let services: Services
    let router: Router
    var configuration: Configuration { services.configuration }

    init(services: Services) {
        self.services = services
        self.router = Routes.make()
    }

    func respond(to request: Request) -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var route = "unmatched"
        var response: Response
        do {
            if request.bodyTooLarge {
                throw APIError(.payloadTooLarge, "body_too_large", "the body is larger than \(configuration.maxBodyBytes) bytes")
            }
            switch router.match(method: request.method, segments: request.segments) {
            case .found(let handler, let parameters, let pattern):
                route = (request.method == "HEAD" ? "GET" : request.method) + " " + pattern
                var context = RequestContext(parameters: parameters, services: services)
                response = try handler(request, &context)
            case .methodNotAllowed(let allowed):
                var error = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here")
                error.headers = [("Allow", allowed.joined(separator: ", "))]
                throw error
            case .notFound:
                throw APIError.notFound("route")
            }
        } catch {
            response = ErrorMapping.response(for: error, log: services.log, requestID: request.requestID)
        }
        let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1000
        let metrics = services.metrics
        metrics.recordRequest(route: route, status: response.status.code, microseconds: Int(micros))
        let waits = LockWaits.take()
        if waits.waits > 0 {
            metrics.add(.writeLockWaits, waits.waits)
            metrics.add(.writeLockWaitMicroseconds, waits.microseconds)
            metrics.add(.writeLockWaitsOver10ms, waits.over10ms)
        }
        if response.status == .serviceUnavailable { metrics.add(.busyAnswers) }
        services.log.info("request", [
            "method": request.method, "path": request.path, "route": route,
            "status": "\(response.status.code)", "durationUs": "\(micros)",
            "worker": "\(getpid())", "requestId": request.requestID,
        ])
        return response
    }
}
