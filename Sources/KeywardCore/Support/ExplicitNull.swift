/// An optional that synthesized `Codable` writes as `null` when absent, instead of leaving it out.
///
/// A synthesized encoder writes an optional property with `encodeIfPresent`, so a `nil` field
/// disappears from the JSON. keyward's API objects promise their consumers every field, `null`
/// when unknown (DESIGN.md), so those properties carry this wrapper and let synthesis write them:
///
/// ```swift
/// struct KeyObject: Codable {
///     var id: String
///     @ExplicitNull var expiresAt: Timestamp?   // "expires_at": null
/// }
/// ```
///
/// Decoding accepts the field missing or `null` alike (``KeyedDecodingContainer/decode(_:forKey:)``
/// below), as the synthesized decoder of a plain optional does.
@propertyWrapper
public struct ExplicitNull<Wrapped> {
    public var wrappedValue: Wrapped?

    public init(wrappedValue: Wrapped?) { self.wrappedValue = wrappedValue }
}

extension ExplicitNull: Sendable where Wrapped: Sendable {}
extension ExplicitNull: Equatable where Wrapped: Equatable {}
extension ExplicitNull: Hashable where Wrapped: Hashable {}

extension ExplicitNull: Encodable where Wrapped: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension ExplicitNull: Decodable where Wrapped: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }
}

extension KeyedDecodingContainer {
    /// Synthesized decoders ask for a wrapped property with `decode`, which fails on a missing
    /// key; this overload, more specific than the generic one, makes a missing key mean `nil`.
    public func decode<Wrapped: Decodable>(_ type: ExplicitNull<Wrapped>.Type, forKey key: Key) throws -> ExplicitNull<Wrapped> {
        ExplicitNull(wrappedValue: try decodeIfPresent(Wrapped.self, forKey: key))
    }
}
