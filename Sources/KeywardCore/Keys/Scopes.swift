#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scope strings and the rules for what a granted scope allows.
///
/// - A scope is 1–128 characters from `A-Za-z0-9` and `:._-/*`.
/// - A granted scope matches a required one when they are equal, or when the granted one ends in
///   `*` and the required one starts with what precedes it (`billing:*` grants `billing:read`;
///   `*` grants everything).
/// - Wildcards never grant keyward's own `keyward:` scopes: an application key with `*` must not
///   become an administrator of keyward. `keyward:admin` grants every `keyward:` scope.
public enum Scope {
    public static let maximumLength = 128
    public static let maximumCount = 64
    public static let admin = "keyward:admin"
    public static let read = "keyward:read"
    public static let write = "keyward:write"
    public static let verify = "keyward:verify"
    static let reservedPrefix = Array("keyward:".utf8)

    public static func isValid(_ scope: String) -> Bool {
        let bytes = scope.utf8
        guard (1...maximumLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "*"):
                return true
            default:
                return false
            }
        }
    }

    /// Sorts, removes duplicates and validates a list of scopes.
    public static func normalize(_ scopes: [String]) throws -> [String] {
        guard scopes.count <= maximumCount else {
            throw KeywardError.invalidArgument("a key may carry at most \(maximumCount) scopes, got \(scopes.count)")
        }
        for scope in scopes where !isValid(scope) {
            throw KeywardError.invalidArgument("invalid scope \"\(scope.prefix(40))\": use 1-\(maximumLength) characters from A-Z a-z 0-9 : . _ - / *")
        }
        return Array(Set(scopes)).sorted()
    }

    /// True when `granted` allows `required` (both as UTF-8 bytes).
    ///
    /// Concrete byte arrays rather than generic collections: this runs on every authenticated
    /// request, and an unspecialised generic across a module boundary costs more than the hash.
    public static func grants(_ granted: [UInt8], _ required: [UInt8]) -> Bool {
        if granted == required { return true }
        if hasPrefix(required, reservedPrefix) {
            return granted == adminBytes
        }
        guard let last = granted.last, last == UInt8(ascii: "*") else { return false }
        return required.count >= granted.count - 1 && hasPrefix(required, granted.dropLast())
    }

    static let adminBytes = Array(admin.utf8)

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            prefix.withUnsafeBufferPointer { prefix in
                prefix.isEmpty || memcmp(bytes.baseAddress!, prefix.baseAddress!, prefix.count) == 0
            }
        }
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8]) -> Bool {
        hasPrefix(bytes, prefix[...])
    }
}

/// An immutable, shared set of scopes. Keys with the same scopes share one instance in the
/// verify index, and the JSON array a verify response prints is rendered once here.
public final class ScopeSet: Sendable, Hashable {
    public let scopes: [String]
    let utf8: [[UInt8]]
    /// `["a","b"]`, ready to copy into a response.
    public let json: [UInt8]

    public init(normalized scopes: [String]) {
        self.scopes = scopes
        self.utf8 = scopes.map { Array($0.utf8) }
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (index, scope) in scopes.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            json.append(contentsOf: scope.utf8)  // scope characters never need escaping
            json.append(UInt8(ascii: "\""))
        }
        json.append(UInt8(ascii: "]"))
        self.json = json
    }
    public func grants(_ required: [UInt8]) -> Bool {
        for granted in utf8 where Scope.grants(granted, required) { return true }
        return false
    }

    public func grants(_ required: String) -> Bool { grants(Array(required.utf8)) }

    public static func == (lhs: ScopeSet, rhs: ScopeSet) -> Bool { lhs.scopes == rhs.scopes }
    public func hash(into hasher: inout Hasher) { hasher.combine(scopes) }
}
