/// Maps a method and path to a handler, extracting `{name}` path parameters.
struct Router {
    typealias Handler = (Request, inout RequestContext) throws -> Response

    struct Route {
        let method: String
        let pattern: String
        let parts: [Substring]
        let handler: Handler
    }

    enum Match {
        case found(Handler, parameters: [String: String], pattern: String)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private(set) var routes: [Route] = []

    mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        routes.append(Route(method: method, pattern: pattern, parts: Array(parts), handler: handler))
    }

    func match(method: String, segments: [String]) -> Match {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.parts, to: segments) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.handler, parameters: parameters, pattern: route.pattern)
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
