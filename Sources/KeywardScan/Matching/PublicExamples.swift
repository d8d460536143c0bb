/// Secrets published on purpose in providers' documentation and in famous debuggers: whoever
/// copies one has not leaked anything, so no rule reports them. Exact values where the sample is
/// one string; fragments where the sample is a family (every jwt.io token carries the same
/// "John Doe" payload whatever its algorithm and signature).
enum PublicExamples {
    static let values: Set<[UInt8]> = Set([
        // AWS documentation (IAM user guide, CLI configuration)
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        // Stripe API reference test keys, shown to every reader
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_test_TYooMQauvdEDq54NiTphI7jx", "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
        // Slack API documentation bot token
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        // GitHub documentation token
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        // Mailgun documentation key
        "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
        // jwt.io's default token
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ].map { Array($0.utf8) })

    /// Parts that mark a whole family of samples.
    static let fragments: [[UInt8]] = [
        // the jwt.io payload {"sub":"1234567890","name":"John Doe", …}, whatever follows
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l",
    ].map { Array($0.utf8) }

    static func contains(_ secret: UnsafeRawBufferPointer) -> Bool {
        if values.contains(Array(secret)) { return true }
        return fragments.contains { ByteSearch.contains(secret, $0) }
    }
}
