import Dispatch
import FastCGIServer
import FoundationEssentials
import Glibc
import Runtime
import Storage

/// A request and what routing made of it, found once: the worker asks whether it is worth
/// batching, then the application answers it.
package struct RoutedRequest: PreparedRequest {
    package let request: Request
    /// The route and its path parameters, or the error to answer (413, 405, 404).
    let destination: Result<(route: Router.Route, parameters: [String: String]), any Error>

    /// Whether requests waiting behind this one are worth taking with it: its route answers
    /// several at once (holds and bookings, one transaction per venue and step).
    package var takesBatches: Bool { (try? destination.get())?.route.batchHandler != nil }
}

/// Turns a `Request` into a `Response`: routing, the body limit, error mapping and the access
/// log. What a FastCGI worker serves (`Responder`); tests drive it in-process.
package struct Application: Responder {
    package let services: Services
    let router: Router
    let caches = ResponseCaches()
    var configuration: Configuration { services.configuration }
    package var maxBodyBytes: Int { configuration.maxBodyBytes }

    package init(services: Services) {
        self.services = services
        self.router = Routes.make(batchBookings: services.checkout.payments.isInstant)
    }

    package func prepare(_ request: Request) -> RoutedRequest { route(request) }

    package func afterResponses() { services.finishDeferredWork() }

    package func whileIdle() { services.whileIdle() }

    /// The route of `request` and its path parameters, or the error to answer.
    func route(_ request: Request) -> RoutedRequest {
        if request.bodyTooLarge {
            return RoutedRequest(
                request: request,
                destination: .failure(
                    RequestError.bodyTooLarge(limit: configuration.maxBodyBytes)))
        }
        switch router.match(method: request.method, segments: request.segments) {
        case .found(let route, let parameters):
            return RoutedRequest(request: request, destination: .success((route, parameters)))
        case .methodNotAllowed(let allowed):
            var error = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here")
            error.headers = [("Allow", allowed.joined(separator: ", "))]
            return RoutedRequest(request: request, destination: .failure(error))
        case .notFound:
            return RoutedRequest(request: request, destination: .failure(APIError.notFound("route")))
        }
    }

    func respond(to request: Request) -> Response {
        respond(to: route(request))
    }

    func respond(to routed: RoutedRequest) -> Response {
        let request = routed.request
        var route = "unmatched"
        let response: Response
        do {
            let (found, parameters) = try routed.destination.get()
            route = label(request, found)
            var context = RequestContext(parameters: parameters, application: self)
            response = try found.handler(request, &context)
        } catch {
            response = errorResponse(for: error, requestID: request.requestID)
        }
        record(request, route: route, response: response)
        return response
    }

    /// `respond(toAll:)` for requests not routed yet (in-process callers such as tests).
    func respond(toAll requests: [Request]) -> [Response] {
        respond(toAll: requests.map(route))
    }

    /// Answers requests taken together: those of a route that answers several at once go
    /// to it together, the others one by one. Each gets the answer it would have had alone.
    package func respond(toAll requests: [RoutedRequest]) -> [Response] {
        guard requests.count > 1 else { return requests.map(respond(to:)) }
        var responses = [Response?](repeating: nil, count: requests.count)
        var batches: [(route: Router.Route, members: [(index: Int, context: RequestContext)])] = []
        for (index, routed) in requests.enumerated() {
            guard let (route, parameters) = try? routed.destination.get(), route.batchHandler != nil else {
                responses[index] = respond(to: routed)
                continue
            }
            let member = (index, RequestContext(parameters: parameters, application: self))
            if let batch = batches.firstIndex(where: { $0.route.pattern == route.pattern && $0.route.method == route.method }) {
                batches[batch].members.append(member)
            } else {
                batches.append((route, [member]))
            }
        }
        for (route, members) in batches {
            let results = route.batchHandler!(members.map { (requests[$0.index].request, $0.context) })
            if members.count > 1 {
                services.metrics.add(.batches)
                services.metrics.add(.batchedRequests, members.count)
            }
            for (member, result) in zip(members, results) {
                let request = requests[member.index].request
                let response: Response
                do { response = try result.get() } catch {
                    response = errorResponse(for: error, requestID: request.requestID)
                }
                record(request, route: label(request, route), response: response)
                responses[member.index] = response
            }
        }
        return responses.map { $0! }
    }

    /// The answer to a failed request: the one call of the error mapping.
    func errorResponse(for error: any Error, requestID: String) -> Response {
        ErrorMapping.response(for: error, log: services.log, requestID: requestID)
    }

    private func label(_ request: Request, _ route: Router.Route) -> String {
        (request.method == "HEAD" ? "GET" : request.method) + " " + route.pattern
    }

    /// Metrics and the access log of one answered request.
    private func record(_ request: Request, route: String, response: Response) {
        let micros = (DispatchTime.now().uptimeNanoseconds - request.receivedAt) / 1000
        let metrics = services.metrics
        metrics.recordRequest(route: route, status: response.status.code, microseconds: Int(micros))
        LockWaits.drain(metrics.recordLockWait(microseconds:))
        if response.status == .serviceUnavailable { metrics.add(.busyAnswers) }
        guard services.log.logs(.info) else { return }
        services.log.info(
            "request",
            [
                "method": request.method, "path": request.path, "route": route,
                "status": "\(response.status.code)", "durationUs": "\(micros)",
                "worker": "\(getpid())", "requestId": request.requestID,
            ])
    }
}
