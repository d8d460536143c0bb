import KeywardCore
import KeywardSettings

extension LeakConfiguration {
    /// Reads the GitHub public-keys file once, so that `serve` refuses to start on a bad one
    /// rather than answering every alert 503. Returns how many keys it holds.
    public func checkGitHubKeys() throws -> Int {
        guard let githubKeysPath else { return 0 }
        do {
            return try GitHubKeyring.parse(path: githubKeysPath).count
        } catch {
            throw KeywardError.invalidArgument(error.description)
        }
    }
}
