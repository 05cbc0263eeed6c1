/// Every fresh ticket code tried for one ticket was taken already. With codes of 60 bits or
/// more this points at a broken code generator (`VenueStore.makeTicketCode`), not bad luck.
public struct TicketCodeCollision: Error, CustomStringConvertible, Sendable {
    /// How many codes were tried.
    public let attempts: Int

    public var description: String { "no unique ticket code after \(attempts) attempts" }
}
