import Foundation

/// Reads a secret from the terminal without echoing it, as `ssh` and `sudo` do: the prompt goes
/// to standard error (standard output stays the command's result), echo is turned off for the
/// one line and restored afterwards, even when the line never comes.
enum SecretPrompt {
    static func read(_ prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let canSilence = tcgetattr(STDIN_FILENO, &saved) == 0
        if canSilence {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            // Keep ECHONL: the newline the person types still ends the prompt's line.
            silent.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer { if canSilence { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) } }
        return readLine(strippingNewline: true)
    }
}
