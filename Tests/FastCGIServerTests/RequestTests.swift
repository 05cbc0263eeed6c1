import Testing

@testable import FastCGIServer

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
