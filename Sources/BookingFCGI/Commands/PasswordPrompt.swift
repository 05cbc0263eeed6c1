import Common
import Glibc

/// Reads a password from standard input: without echo on a terminal (with a prompt on
/// stderr), or one line from a pipe (`echo "..." | booking-fcgi create-admin ...`).
enum PasswordPrompt {
    static func read(prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            writeStandardError("\n")
        }
        writeStandardError(prompt)
        return readLine(strippingNewline: true)
    }
}
