/// What a new password must satisfy: 10 to 256 characters (grapheme clusters, as a person
/// counts them) and no NUL. Length beats composition rules, so there are none.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 256
    /// Bounds the bytes too, since one character can be arbitrarily many bytes.
    public static let maximumBytes = 4096

    /// - Throws: `AuthError.weakPassword` naming the broken rule.
    public static func validate(_ password: String) throws(AuthError) {
        guard password.utf8.count <= maximumBytes else {
            throw .weakPassword("a password has at most \(maximumLength) characters")
        }
        guard !password.utf8.contains(0) else { throw .weakPassword("a password must not contain a NUL character") }
        let count = password.count
        guard count >= minimumLength else { throw .weakPassword("a password has at least \(minimumLength) characters") }
        guard count <= maximumLength else { throw .weakPassword("a password has at most \(maximumLength) characters") }
    }
}
