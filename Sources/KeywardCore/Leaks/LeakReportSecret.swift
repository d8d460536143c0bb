import Crypto

/// A shared secret of the signed leak-report endpoint. Held as a `SymmetricKey` whose every
/// description is redacted, like ``PlaintextKey``.
public struct LeakReportSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Shorter secrets are refused: 32 characters of `openssl rand -hex 32` carry 128 bits.
    public static let minimumLength = 32
    public static let maximumLength = 1024

    let key: SymmetricKey

    /// - Throws: ``KeywardError/invalidArgument`` when the secret is shorter than 32 or longer
    ///   than 1024 bytes (the message never repeats it).
    public init(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard (Self.minimumLength...Self.maximumLength).contains(bytes.count) else {
            throw KeywardError.invalidArgument(
                "a leak-report secret must be \(Self.minimumLength)-\(Self.maximumLength) bytes (try `openssl rand -hex 32`); the one given has \(bytes.count)"
            )
        }
        key = SymmetricKey(data: bytes)
    }

    /// Every non-empty line of a secrets file, each one secret: several lines let a deployment
    /// rotate the secret without refusing reporters that still sign with the old one.
    public static func parse(lines text: String) throws -> [LeakReportSecret] {
        try text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .map { try LeakReportSecret($0) }
    }

    public var description: String { "LeakReportSecret(redacted)" }
    public var debugDescription: String { description }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
