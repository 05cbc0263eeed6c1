import Common
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime

@Suite("The router")
struct RouterTests {
    func router() -> Router {
        var router = Router()
        router.add("GET", "/api/venues/{venueId}", { _, _ in .empty(.ok) })
        router.add("POST", "/api/venues/{venueId}/holds", { _, _ in .empty(.created) })
        router.add("DELETE", "/api/venues/{venueId}/holds/{holdId}", { _, _ in .empty() })
        return router
    }

    func segments(_ path: String) -> [String] {
        Request(params: ["REQUEST_URI": path], body: []).segments
    }

    @Test func bindsPathParameters() {
        guard case .found(let route, let parameters) = router().match(method: "DELETE", segments: segments("/api/venues/opera/holds/h_1")) else {
            Issue.record("no match")
            return
        }
        #expect(parameters == ["venueId": "opera", "holdId": "h_1"])
        #expect(route.pattern == "/api/venues/{venueId}/holds/{holdId}")
    }

    @Test func reportsTheAllowedMethodsForAKnownPath() {
        guard case .methodNotAllowed(let allowed) = router().match(method: "PUT", segments: segments("/api/venues/opera")) else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET"])
    }

    @Test func unknownPathsAndEmptyParametersDoNotMatch() {
        #expect(isNotFound(router().match(method: "GET", segments: segments("/api/nothing"))))
        #expect(isNotFound(router().match(method: "GET", segments: segments("/api/venues/"))))
        #expect(isNotFound(router().match(method: "GET", segments: segments("/api/venues/a/b"))))
    }

    @Test func anEncodedSlashStaysInsideItsSegment() {
        let parts = segments("/api/venues/..%2F..%2Fetc")
        #expect(parts == ["api", "venues", "../../etc"])
        guard case .found(_, let parameters) = router().match(method: "GET", segments: parts) else {
            Issue.record("no match")
            return
        }
        #expect(parameters["venueId"] == "../../etc")  // rejected later by venue-id validation
    }

    @Test func headIsAnsweredByTheGetRoute() {
        guard case .found = router().match(method: "HEAD", segments: segments("/api/venues/opera")) else {
            Issue.record("HEAD did not match GET")
            return
        }
    }

    private func isNotFound(_ match: Router.Match) -> Bool {
        if case .notFound = match { return true }
        return false
    }
}
