/// What a seat offers beyond a place to sit (API.md "Seats, best available, reports"), stored
/// as a bit set in `seat.attributes` and written in this order.
public struct SeatAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A space for a wheelchair user.
    public static let wheelchair = SeatAttributes(rawValue: 1 << 0)
    /// A seat for the companion of a wheelchair user, next to the space.
    public static let companion = SeatAttributes(rawValue: 1 << 1)
    public static let restrictedView = SeatAttributes(rawValue: 1 << 2)
    public static let aisle = SeatAttributes(rawValue: 1 << 3)

    /// Every attribute with its name in the API, in the order they are listed.
    public static let named: [(name: String, attribute: SeatAttributes)] = [
        ("wheelchair", .wheelchair), ("companion", .companion), ("restricted-view", .restrictedView), ("aisle", .aisle),
    ]

    /// The set of `names`, or nil if one is not an attribute.
    public init?(names: [String]) {
        var attributes: SeatAttributes = []
        for name in names {
            guard let known = Self.named.first(where: { $0.name == name }) else { return nil }
            attributes.insert(known.attribute)
        }
        self = attributes
    }

    /// The API names of the attributes in this set.
    public var names: [String] { Self.named.filter { contains($0.attribute) }.map(\.name) }
}
