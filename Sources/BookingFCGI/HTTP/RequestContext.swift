/// What a handler gets besides the request: path parameters and the worker's services.
struct RequestContext {
    let parameters: [String: String]
    let services: Services

    /// A path parameter that the route pattern guarantees.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
