import Foundation
import Testing

@testable import Auth

@Suite("Roles")
struct RoleTests {
    @Test func adminIsNeverSelfRegistrable() {
        #expect(Role.allCases.filter(\.isSelfRegistrable) == [.customer, .organizer])
    }

    @Test func rawValuesAreTheStoredNames() throws {
        #expect(Role.allCases.map(\.rawValue) == ["customer", "organizer", "admin"])
        #expect(Role(rawValue: "Admin") == nil)
        let decoded = try JSONDecoder().decode([Role].self, from: Data(#"["organizer"]"#.utf8))
        #expect(decoded == [.organizer])
    }
}
