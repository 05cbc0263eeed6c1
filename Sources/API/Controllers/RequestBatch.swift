import FastCGIServer

/// The checks of requests answered together (`Application.respond(toAll:)`).
enum RequestBatch {
    /// Checks each request of a batch (`check` gets its index in the batch): the ones that
    /// pass, and for the others, their error in place.
    static func check<Checked>(_ items: [(Request, RequestContext)],
                               _ check: (Request, inout RequestContext, Int) throws -> Checked)
        -> (passed: [Checked], outcomes: [Result<Response, any Error>?]) {
        var outcomes = [Result<Response, any Error>?](repeating: nil, count: items.count)
        var passed: [Checked] = []
        for (index, item) in items.enumerated() {
            var (request, context) = item
            do { passed.append(try check(request, &context, index)) } catch { outcomes[index] = .failure(error) }
        }
        return (passed, outcomes)
    }
}
