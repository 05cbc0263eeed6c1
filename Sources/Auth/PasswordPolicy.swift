/// Password rules: 10 to 256 characters, no NUL.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 256

    public static func validate(_ password: String) throws(AuthError) {
        guard password.count >= minimumLength else { throw .weakPassword("a password has at least \(minimumLength) characters") }
        guard password.count <= maximumLength, password.utf8.count <= 4 * maximumLength else {
            throw .weakPassword("a password has at most \(maximumLength) characters")
        }
        guard !password.utf8.contains(0) else { throw .weakPassword("a password must not contain NUL") }
    }
}
