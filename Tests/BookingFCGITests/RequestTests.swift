import Testing
@testable import BookingFCGI

@Suite("Reading a request from CGI parameters")
struct RequestTests {
    @Test func splitsPathAndQueryAndDecodesBoth() {
        let request = Request(params: ["REQUEST_METHOD": "GET", "REQUEST_URI": "/api/events?q=caf%C3%A9+noir&limit=5"], body: [])
        #expect(request.path == "/api/events")
        #expect(request.query == ["q": "café noir", "limit": "5"])
    }

    @Test func headersComeFromHTTPParameters() {
        let request = Request(params: ["HTTP_IF_NONE_MATCH": "\"v1\"", "HTTP_X_CSRF_TOKEN": "t", "CONTENT_TYPE": "application/json"], body: [])
        #expect(request.header("if-none-match") == "\"v1\"")
        #expect(request.header("x-csrf-token") == "t")
        #expect(request.header("content-type") == "application/json")
    }

    @Test func malformedEscapesAndInvalidUTF8DoNotCrash() {
        #expect(percentDecode("%zz") == nil)
        #expect(percentDecode("%ff%fe") == nil)
        #expect(percentDecode("%") == nil)
        let request = Request(params: ["REQUEST_URI": "/api/venues/%ff"], body: [])
        #expect(request.segments.last == "\u{FFFD}")
    }
}

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-12-31T20:00:00Z", 1_798_747_200.0),
        ("2026-12-31t20:00:00z", 1_798_747_200.0),
        ("2026-12-31 20:00:00Z", 1_798_747_200.0),
        ("2026-12-31T21:30:00+01:30", 1_798_747_200.0),
        ("2026-12-31T18:00:00-02:00", 1_798_747_200.0),
        ("2026-12-31T20:00:00.250Z", 1_798_747_200.25),
        ("2028-02-29T00:00:00Z", 1_835_395_200.0),
    ])
    func acceptsEveryFormOfTheStandard(text: String, seconds: Double) {
        #expect(RFC3339.date(from: text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-12-31", "2026-12-31T20:00:00", "2026-13-01T00:00:00Z", "2027-02-29T00:00:00Z",
                      "2026-12-31T24:00:00Z", "2026-12-31T20:00:00+1:00", "2026-12-31T20:00:00.Z", "2026-12-31T20:00:00Zjunk",
                      "２026-12-31T20:00:00Z", ""])
    func refusesAnythingElse(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test func formatsUTCWithoutFractions() {
        #expect(RFC3339.string(fromSeconds: 1_798_747_200) == "2026-12-31T20:00:00Z")
    }
}
