import Foundation
import Testing

/// Who gets `/api/metrics` (README, "Monitoring"): loopback clients as they always did;
/// another host only with `BOOKING_METRICS_TOKEN` as a bearer token, refused in the API's
/// error shape otherwise. The address is nginx's `REMOTE_ADDR` (the real client's behind
/// trusted proxies; Tests/Integration/test_metrics.py goes through nginx).
@Suite struct MetricsSpec {
    static let token = "scrape-token-0123456789abcdef"
    static let remote = "203.0.113.9"

    @Test func loopbackIsAnsweredWithOrWithoutAToken() throws {
        let t = try TestApp(environment: ["BOOKING_METRICS_TOKEN": Self.token])
        #expect(t.request("GET", "/api/metrics").status == 200)
        #expect(t.request("GET", "/api/metrics", from: "::1").status == 200)
    }

    @Test func anotherHostWithTheTokenGetsTheMetrics() throws {
        let t = try TestApp(environment: ["BOOKING_METRICS_TOKEN": Self.token])
        let response = t.request("GET", "/api/metrics", headers: ["Authorization": "Bearer " + Self.token], from: Self.remote)
        #expect(response.status == 200, "\(response)")
        #expect(String(decoding: response.body, as: UTF8.self).contains("booking_build_info{"))
    }

    @Test func anotherHostWithoutTheTokenIs401AndWithAWrongOne403() throws {
        let t = try TestApp(environment: ["BOOKING_METRICS_TOKEN": Self.token])
        let missing = t.request("GET", "/api/metrics", from: Self.remote)
        #expect(missing.status == 401 && missing.errorCode == "unauthenticated" && missing.header("WWW-Authenticate") == #"Bearer realm="metrics""#)
        for wrong in ["Bearer " + Self.token + "x", "Bearer " + Self.token.dropLast(), "Basic " + Self.token, "Bearer"] {
            let refused = t.request("GET", "/api/metrics", headers: ["Authorization": wrong], from: Self.remote)
            #expect(refused.status == 403 && refused.errorCode == "invalid_token", "\(wrong): \(refused)")
        }
    }

    @Test func withoutATokenConfiguredAnotherHostIsRefused() throws {
        let t = try TestApp()
        let refused = t.request("GET", "/api/metrics", headers: ["Authorization": "Bearer " + Self.token], from: Self.remote)
        #expect(refused.status == 403 && refused.errorCode == "forbidden", "\(refused)")
    }

    @Test(arguments: ["short", "has a space in it 0123456789"])
    func anUnusableTokenStopsTheStart(token: String) {
        #expect(throws: (any Error).self) { try TestApp(environment: ["BOOKING_METRICS_TOKEN": token]) }
    }
}
