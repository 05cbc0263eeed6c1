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
        self.router = Routes.make(batchBookings: services.payments.isInstant)
    }

    func respond(to request: Request) -> Response {
        var route = "unmatched"
        let response: Response
        do {
            let (found, parameters) = try self.route(request)
            route = label(request, found)
            var context = RequestContext(parameters: parameters, services: services)
            response = try found.handler(request, &context)
        } catch {
            response = ErrorMapping.response(for: error, log: services.log, requestID: request.requestID)
        }
        record(request, route: route, response: response)
        return response
    }

    /// Whether requests waiting behind `request` are worth taking with it: its route answers
    /// several at once (bookings, one transaction per venue and step for all of them).
    func takesBatches(_ request: Request) -> Bool {
        guard !request.bodyTooLarge, case .found(let route, _) = router.match(method: request.method, segments: request.segments) else { return false }
        return route.batchHandler != nil
    }

    /// Answers requests taken together: those of a route that answers several at once go
    /// to it together, the others one by one. Each gets the answer it would have had alone.
    func respond(toAll requests: [Request]) -> [Response] {
        guard requests.count > 1 else { return requests.map(respond(to:)) }
        var responses = [Response?](repeating: nil, count: requests.count)
        var batches: [(route: Router.Route, members: [(index: Int, context: RequestContext)])] = []
        for (index, request) in requests.enumerated() {
            guard !request.bodyTooLarge, case .found(let route, let parameters) = router.match(method: request.method, segments: request.segments),
                  route.batchHandler != nil else { responses[index] = respond(to: request); continue }
            let member = (index, RequestContext(parameters: parameters, services: services))
            if let batch = batches.firstIndex(where: { $0.route.pattern == route.pattern && $0.route.method == route.method }) {
                batches[batch].members.append(member)
            } else {
                batches.append((route, [member]))
            }
        }
        for (route, members) in batches {
            let results = route.batchHandler!(members.map { (requests[$0.index], $0.context) })
            if members.count > 1 {
                services.metrics.add(.batches)
                services.metrics.add(.batchedRequests, members.count)
            }
            for (member, result) in zip(members, results) {
                let request = requests[member.index]
                let response: Response
                do { response = try result.get() } catch {
                    response = ErrorMapping.response(for: error, log: services.log, requestID: request.requestID)
                }
                record(request, route: label(request, route), response: response)
                responses[member.index] = response
            }
        }
        return responses.map { $0! }
    }

    /// The route of `request` and its path parameters, or the error to answer.
    private func route(_ request: Request) throws -> (Router.Route, [String: String]) {
        if request.bodyTooLarge {
            throw APIError(.payloadTooLarge, "body_too_large", "the body is larger than \(configuration.maxBodyBytes) bytes")
        }
        switch router.match(method: request.method, segments: request.segments) {
        case .found(let route, let parameters):
            return (route, parameters)
        case .methodNotAllowed(let allowed):
            var error = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here")
            error.headers = [("Allow", allowed.joined(separator: ", "))]
            throw error
        case .notFound:
            throw APIError.notFound("route")
        }
    }

    private func label(_ request: Request, _ route: Router.Route) -> String {
        (request.method == "HEAD" ? "GET" : request.method) + " " + route.pattern
    }

    /// Metrics and the access log of one answered request.
    private func record(_ request: Request, route: String, response: Response) {
        let micros = (DispatchTime.now().uptimeNanoseconds - request.receivedAt) / 1000
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
    }
}
