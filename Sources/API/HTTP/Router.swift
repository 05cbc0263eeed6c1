import FastCGIServer

/// Maps a method and path to a handler, extracting `{name}` path parameters.
struct Router {
    typealias Handler = (Request, inout RequestContext) throws -> Response
    /// Answers several requests of one route at once (`Application.respond(toAll:)`), each
    /// as `Handler` would have alone.
    typealias BatchHandler = ([(Request, RequestContext)]) -> [Result<Response, any Error>]

    struct Route {
        let method: String
        let pattern: String
        let parts: [Substring]
        let handler: Handler
        let batchHandler: BatchHandler?
    }

    enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private(set) var routes: [Route] = []

    mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler, batch: BatchHandler? = nil) {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        routes.append(Route(method: method, pattern: pattern, parts: Array(parts), handler: handler, batchHandler: batch))
    }

    func match(method: String, segments: [String]) -> Match {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.parts, to: segments) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route, parameters: parameters)
            }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func bind(_ parts: [Substring], to segments: [String]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(parts, segments) {
            if part.first == "{" && part.last == "}" {
                guard !segment.isEmpty else { return nil }
                parameters[String(part.dropFirst().dropLast())] = segment
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}
