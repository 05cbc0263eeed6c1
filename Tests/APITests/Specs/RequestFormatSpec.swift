import Foundation
import Testing

/// The error model (API.md, "Conventions"): every refusal is JSON `{"error": {"code", …}}`
/// with its status, and a request the API cannot take changes nothing. From
/// Tests/Integration/test_skeleton.py and test_booking.py's bad-input tests.
@Suite final class RequestFormatSpec: OnSaleSpec {
    @Test func healthIsOKInJSON() {
        let health = t.request("GET", "/api/health")
        #expect(health.status == 200 && health.header("Content-Type")?.hasPrefix("application/json") == true, "\(health)")
        #expect(health.json as? [String: String] == ["status": "ok"])
    }

    @Test func aWrongMethodIs405NamingTheAllowedOnes() {
        let wrong = t.request("DELETE", "/api/health")
        #expect(wrong.status == 405 && wrong.errorCode == "method_not_allowed" && wrong.header("Allow") == "GET", "\(wrong)")
    }

    @Test func aBodyThatIsNotJSONOrNotTheRightShapeIs400Or415AndChangesNothing() throws {
        let before = t.request("GET", show.path + "/seats").body
        let json = ["Content-Type": "application/json"]
        let cases: [(body: String, headers: [String: String], status: Int, code: String)] = [
            ("{not json", json, 400, "invalid_body"),
            (#"{"seats": "stalls-A-1"}"#, json, 400, "invalid_body"),
            (#"{"ga": [{"section": "floor", "quantity": 1000000000000000000000000000000}]}"#, json, 400, "invalid_body"),
            (String(repeating: "[", count: 10000) + String(repeating: "]", count: 10000), json, 400, "invalid_body"),
            (#"{"seats": ["stalls-A-1"]}"#, ["Content-Type": "text/plain"], 415, "unsupported_media_type"),
            (#"{"seats": ["stalls-A-1"]}"#, [:], 415, "unsupported_media_type"),
        ]
        for (body, headers, status, code) in cases {
            let response = t.request("POST", show.holds, body: Array(body.utf8), as: alice, headers: headers)
            #expect(response.status == status && response.errorCode == code, "\(body.prefix(60)): \(response)")
        }
        #expect(t.request("GET", show.path + "/seats").body == before)
    }

    @Test func aHoldThatBreaksARuleIs4xxWithACodeAndChangesNothing() throws {
        let before = t.request("GET", show.path + "/seats").body
        let bodies: [Any] = [
            ["seats": ["stalls-A-1", "stalls-A-1"]], ["seats": ["stalls-Q-99"]], ["seats": [String(repeating: "x", count: 100_000)]],
            ["seats": (0..<10_000).map { "s\($0)" }], ["ga": [["section": "floor", "quantity": -1]]],
            ["ga": [["section": "floor", "quantity": 0]]],
            ["ga": [["section": "floor", "quantity": 1], ["section": "floor", "quantity": 1]]],
            ["ga": [["section": "nowhere", "quantity": 1]]], ["ga": [["section": "stalls", "quantity": 1]]],
            ["ga": [["section": "floor", "quantity": "1"]]], [String: Any](), ["seats": [1, 2]], [Any](),
        ]
        for body in bodies {
            let response = t.request("POST", show.holds, json: body, as: alice)
            #expect((400..<500).contains(response.status) && response.errorCode != nil, "\("\(body)".prefix(60)): \(response)")
        }
        #expect(t.request("GET", show.path + "/seats").body == before)
        #expect(try t.bookings(of: alice).isEmpty)
    }

    @Test func aBookingBodyThatMixesAHoldWithOneCallFieldsIs422AndTheHoldStaysPayable() throws {
        let hold = try t.hold(alice, show, seats: ["stalls-B-4"])
        let before = try t.seatStates(show)
        let payment: [String: Any] = ["holdId": hold, "payment": ["method": "test"]]
        for extra: [String: Any] in [
            ["seats": ["stalls-B-5", "stalls-B-5"]], ["eventId": show.event], ["ga": [["section": "floor", "quantity": 1]]],
        ] {
            let body = payment.merging(extra) { $1 }
            let mixed = t.request("POST", show.bookings, json: body, as: alice)
            #expect(mixed.status == 422 && mixed.errorCode == "validation_failed", "\(extra): \(mixed)")
        }
        #expect(try t.seatStates(show) == before)
        #expect(t.pay(alice, show, hold: hold).status == 201)
    }

    @Test func aBookingWithoutAPaymentOrWithAnUnknownMethodIsRefused() throws {
        let noPayment = t.request("POST", show.bookings, json: ["eventId": show.event, "seats": ["stalls-A-1"]], as: alice)
        #expect(noPayment.status == 400, "\(noPayment)")
        let card = t.request("POST", show.bookings, json: ["eventId": show.event, "seats": ["stalls-A-1"], "payment": ["method": "card"]], as: alice)
        #expect(card.status == 422 && card.errorCode == "invalid_payment_method", "\(card)")
        #expect(try t.seatStates(show)["stalls-A-1"] == "available")
    }

    @Test(arguments: ["..%2F..%2Fetc%2Fpasswd", "UPPER", String(repeating: "a", count: 64), "%00", "..", "-dash"])
    func aVenueIdThatIsNotASlugIsAJSON404(id: String) {
        let response = t.request("GET", "/api/venues/" + id)
        #expect([400, 404].contains(response.status) && response.errorCode != nil, "\(response)")
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
    }

    @Test func anUnknownEventOrHoldIs404() {
        #expect(t.request("GET", "/api/venues/\(show.venue)/events/e_unknown").status == 404)
        #expect(t.request("GET", "/api/venues/\(show.venue)/events/e_unknown/seats").status == 404)
        let hold = t.pay(alice, show, hold: "h_nope")
        #expect(hold.status == 404 && hold.errorCode == "not_found", "\(hold)")
    }
}
