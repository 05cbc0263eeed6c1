import Glibc
import Testing

@testable import Storage

@Suite("Identifiers")
struct IdentifierTests {
    @Test func randomIdsAreWellFormedAndDistinct() {
        let ids = (0..<1000).map { _ in Identifier.make("u_") }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { Identifier.isWellFormed($0, prefix: "u_") })
    }

    @Test func timeOrderedIdsSortAsTheirTimesAndStayUnguessable() {
        let times = [0, 31, 32, 1_000, 1_800_000_000_123, 1_800_000_000_124, 4_000_000_000_000].map { milliseconds in
            timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        }
        let ids = times.map { Identifier.makeTimeOrdered("b_", at: $0) }
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { Identifier.isWellFormed($0, prefix: "b_") })
        // The same millisecond: the same first half, a different random half.
        let twins = (0..<100).map { _ in Identifier.makeTimeOrdered("b_", at: times[4]) }
        #expect(Set(twins.map { $0.prefix(12) }).count == 1)
        #expect(Set(twins).count == twins.count)
    }
}
