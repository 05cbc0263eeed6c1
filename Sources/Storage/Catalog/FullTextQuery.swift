/// A customer's search text turned into an FTS5 query that cannot be a syntax error: every
/// word becomes a quoted string (FTS5 reads a quoted string as a phrase, with no operators,
/// column filters or parentheses inside it; a `"` in it is written twice), the words are
/// ANDed, and the last one is a prefix, so "sym" finds "Symphony" while the user types.
/// Words go through the index's own tokenizer, so "zurich" finds "Zürich" and "blue-note" is
/// the phrase "blue note".
enum FullTextQuery {
    /// The MATCH expression for `text`, or nil when it has no word that can match (only
    /// punctuation and symbols, such as `*` or `"-"`): such a search finds nothing.
    static func expression(_ text: String) -> String? {
        let words = text.split(whereSeparator: isSeparator).filter { $0.unicodeScalars.contains(where: isTokenCharacter) }
        guard !words.isEmpty else { return nil }
        return words.map { #"""# + $0.replacing(#"""#, with: #""""#) + #"""# }.joined(separator: " ") + "*"
    }

    /// White space, and control characters: FTS5 reads a quoted string only up to a NUL.
    private static func isSeparator(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The characters FTS5's `unicode61` tokenizer keeps in a token (its default categories:
    /// letters, numbers and private use); everything else only separates tokens.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }
}
