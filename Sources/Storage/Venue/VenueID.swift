/// A venue id: a slug that is also the venue's file name, so it is validated before it
/// ever touches a path (`^[a-z0-9][a-z0-9-]{0,62}$`).
public struct VenueID: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return nil }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (!first && byte == UInt8(ascii: "-"))
        }
        guard allowed(bytes[0], first: true), bytes.dropFirst().allSatisfy({ allowed($0, first: false) }) else { return nil }
        value = text
    }

    public var description: String { value }
}
