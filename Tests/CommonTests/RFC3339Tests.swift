import Testing

@testable import Common

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

    @Test(arguments: [
        "2026-12-31", "2026-12-31T20:00:00", "2026-13-01T00:00:00Z", "2027-02-29T00:00:00Z",
        "2026-12-31T24:00:00Z", "2026-12-31T20:00:00+1:00", "2026-12-31T20:00:00.Z", "2026-12-31T20:00:00Zjunk",
        "２026-12-31T20:00:00Z", "",
    ])
    func refusesAnythingElse(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test func formatsUTCWithoutFractions() {
        #expect(RFC3339.string(fromSeconds: 1_798_747_200) == "2026-12-31T20:00:00Z")
    }
}
