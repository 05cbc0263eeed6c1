import TestSupport
import Testing

@testable import Runtime

@Suite("Prometheus text exposition")
struct MetricsExpositionTests {
    @Test func aFamilyHasItsHelpAndTypeBeforeItsSamples() {
        var out = MetricsExposition()
        out.family("booking_things_total", .counter, help: "Things done.")
        out.sample("booking_things_total", [("kind", "a")], UInt64(3))
        out.sample("booking_things_total", [("kind", "b")], UInt64(4))
        #expect(
            out.text == """
                # HELP booking_things_total Things done.
                # TYPE booking_things_total counter
                booking_things_total{kind="a"} 3
                booking_things_total{kind="b"} 4

                """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewline() {
        var out = MetricsExposition()
        out.sample("m", [("route", "a\\b\"c\nd"), ("plain", "x{y}")], UInt64(1))
        #expect(out.text == #"m{route="a\\b\"c\nd",plain="x{y}"} 1"# + "\n")
    }

    @Test func helpEscapesBackslashAndNewlineButNotQuotes() {
        var out = MetricsExposition()
        out.family("m", .gauge, help: "a \"quoted\" \\ path\nsecond line")
        #expect(out.text.hasPrefix(#"# HELP m a "quoted" \\ path\nsecond line"# + "\n# TYPE m gauge\n"))
    }

    @Test func numbersAreWrittenAsPrometheusReadsThem() {
        #expect(MetricsExposition.format(3) == "3")
        #expect(MetricsExposition.format(0.0005) == "0.0005")
        #expect(MetricsExposition.format(2.5) == "2.5")
        #expect(MetricsExposition.format(.infinity) == "+Inf")
        #expect(MetricsExposition.format(-.infinity) == "-Inf")
        #expect(MetricsExposition.format(.nan) == "NaN")
    }

    @Test func aHistogramsBucketsAreCumulativeAndItsCountIsTheInfBucket() {
        var out = MetricsExposition()
        out.histogram("h", [("route", "/x")], bounds: [0.001, 0.01], counts: [2, 3, 1], sum: 0.25)
        #expect(
            out.text == """
                h_bucket{route="/x",le="0.001"} 2
                h_bucket{route="/x",le="0.01"} 5
                h_bucket{route="/x",le="+Inf"} 6
                h_sum{route="/x"} 0.25
                h_count{route="/x"} 6

                """)
    }

    @Test func sharedMetricsRenderLockWaitsAsAHistogramInSeconds() throws {
        let metrics = try SharedMetrics(path: nil, routes: ["GET /api/events"])
        for microseconds in [100, 700, 30_000, 2_000_000] { metrics.recordLockWait(microseconds: microseconds) }
        metrics.recordRequest(route: "GET /api/events", status: 200, microseconds: 1500)
        var out = MetricsExposition()
        metrics.write(to: &out)
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"booking_write_lock_wait_seconds_bucket{le="0.0005"} 1"#))
        #expect(lines.contains(#"booking_write_lock_wait_seconds_bucket{le="0.001"} 2"#))
        #expect(lines.contains(#"booking_write_lock_wait_seconds_bucket{le="0.05"} 3"#))
        #expect(lines.contains(#"booking_write_lock_wait_seconds_bucket{le="1"} 3"#))
        #expect(lines.contains(#"booking_write_lock_wait_seconds_bucket{le="+Inf"} 4"#))
        #expect(lines.contains("booking_write_lock_wait_seconds_sum 2.0308"))
        #expect(lines.contains("booking_write_lock_wait_seconds_count 4"))
        #expect(lines.contains(#"booking_http_request_duration_seconds_bucket{method="GET",route="/api/events",le="0.002"} 1"#))
        #expect(lines.contains(#"booking_http_requests_total{method="GET",route="/api/events",status="200"} 1"#))
        // Every family says what it is, once.
        let families = lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(Set(families).count == families.count)
        #expect(lines.filter { $0.hasPrefix("# HELP ") }.count == families.count)
    }

    @Test func theMailCountsOutliveTheNotifierThatMadeThem() throws {
        let temporary = TemporaryDirectory()
        let directory = temporary.path
        #expect(MailCounters.read(dataDirectory: directory) == [.ok: 0, .failed: 0])
        do {
            let counters = try MailCounters(dataDirectory: directory)
            counters.add(.ok)
            counters.add(.ok)
            counters.add(.failed)
        }
        let again = try MailCounters(dataDirectory: directory)
        again.add(.ok)
        #expect(MailCounters.read(dataDirectory: directory) == [.ok: 3, .failed: 1])
    }
}
