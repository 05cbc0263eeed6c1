import Testing

@testable import Storage

@Suite("Searching the catalog by title")
struct CatalogSearchTests {
    @Test(arguments: [
        ("Jazz", "Jazz"),
        ("100% jazz", "100\\% jazz"),
        ("a_b\\c", "a\\_b\\\\c"),
        // A combining mark makes "%\u{301}" one character, but SQLite still sees the "%".
        ("50%\u{301}", "50\\%\u{301}"),
        ("_\u{301}", "\\_\u{301}"),
    ])
    func wildcardsInTheQueryAreTakenLiterally(query: String, pattern: String) {
        #expect(CatalogStore.escapingLikeWildcards(query) == pattern)
    }
}
