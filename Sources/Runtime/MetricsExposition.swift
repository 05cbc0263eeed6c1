/// Prometheus' text exposition format (0.0.4), written one metric family at a time: each
/// family gets its `# HELP` and `# TYPE` lines once, before its samples; label values and
/// help text are escaped as the format says; `+Inf` and `NaN` are spelled as Prometheus
/// reads them. `promtool check metrics` lints what it writes (Tests/Integration/test_metrics.py).
package struct MetricsExposition {
    package enum Kind: String {
        case counter, gauge, histogram
    }

    /// A sample's labels, in the order they are written.
    package typealias Labels = [(name: String, value: String)]

    /// The text so far.
    package private(set) var text = ""

    package init() {}

    /// Starts the family `name`: its help (one line) and type.
    package mutating func family(_ name: String, _ kind: Kind, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample of the current family.
    package mutating func sample(_ name: String, _ labels: Labels = [], _ value: Double) {
        text += name + Self.render(labels) + " " + Self.format(value) + "\n"
    }

    /// One sample of a counter, written as an exact integer.
    package mutating func sample(_ name: String, _ labels: Labels = [], _ value: UInt64) {
        text += name + Self.render(labels) + " \(value)\n"
    }

    /// A whole family with one sample: the common case of a pool-wide counter or gauge.
    package mutating func single(_ name: String, _ kind: Kind, help: String, _ value: UInt64) {
        family(name, kind, help: help)
        sample(name, [], value)
    }

    /// The samples of one histogram series: `counts` holds each bucket's own count, one per
    /// upper bound then one above the last (not cumulative: this makes them so); `_count` is
    /// their total, so it always equals the `+Inf` bucket.
    package mutating func histogram(_ name: String, _ labels: Labels = [], bounds: [Double], counts: [UInt64], sum: Double) {
        precondition(counts.count == bounds.count + 1, "a count per bucket and one above the last")
        var cumulative: UInt64 = 0
        for (bound, count) in zip(bounds, counts) {
            cumulative += count
            sample(name + "_bucket", labels + [("le", Self.format(bound))], cumulative)
        }
        cumulative += counts[bounds.count]
        sample(name + "_bucket", labels + [("le", "+Inf")], cumulative)
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, cumulative)
    }

    static func render(_ labels: Labels) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        escapeHelp(value).replacing("\"", with: "\\\"")
    }

    /// Help text: backslash and line feed escaped (a quote stays as it is).
    static func escapeHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    /// A number as Prometheus parses it: whole numbers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
