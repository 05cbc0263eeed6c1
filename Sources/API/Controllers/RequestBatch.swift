import FastCGIServer
import Runtime
import Storage

/// Requests of one route answered together (`Application.respond(toAll:)`).
enum RequestBatch {
    /// Checks each request (a refused one gets its error in place), runs the checked ones
    /// together with `run`, and gives each request its answer, in the requests' order.
    static func answer<Order>(
        _ items: [(Request, RequestContext)],
        check: (Request, inout RequestContext) throws -> Order,
        run: (Services, [Order]) -> [Result<StoredResponse, any Error>]
    ) -> [Result<Response, any Error>] {
        guard let services = items.first?.1.services else { return [] }
        var outcomes = [Result<Response, any Error>?](repeating: nil, count: items.count)
        var checked: [(index: Int, order: Order)] = []
        for (index, item) in items.enumerated() {
            var (request, context) = item
            do { checked.append((index, try check(request, &context))) } catch { outcomes[index] = .failure(error) }
        }
        for ((index, _), result) in zip(checked, run(services, checked.map(\.order))) { outcomes[index] = result.map(\.response) }
        return outcomes.map { $0! }
    }
}
