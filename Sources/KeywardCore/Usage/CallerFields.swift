/// What a verification says about its caller, as borrowed bytes of the request (valid only for
/// the duration of ``UsageRecorder/record(_:code:at:caller:)``). Nothing is copied unless the
/// recorder meets this caller for the first time since its last flush.
public struct CallerFields {
    public var address: IPAddress?
    public var label: UnsafeRawBufferPointer?
    public var agent: UnsafeRawBufferPointer?
    public var environment: UnsafeRawBufferPointer?

    public init(address: IPAddress?, label: UnsafeRawBufferPointer? = nil, agent: UnsafeRawBufferPointer? = nil,
                environment: UnsafeRawBufferPointer? = nil) {
        self.address = address
        self.label = label
        self.agent = agent
        self.environment = environment
    }

    /// A 64-bit digest of the four fields (length-prefixed, so `("ab","c")` and `("a","bc")`
    /// differ); the caller table's key. Seeded per process, like `Hasher`.
    func fingerprint() -> Int {
        var hasher = Hasher()
        hasher.combine(address)
        for field in [label, agent, environment] {
            if let field {
                hasher.combine(field.count)
                hasher.combine(bytes: field)
            } else {
                hasher.combine(-1)
            }
        }
        return hasher.finalize()
    }

    /// The fields as text, each cut to `limit` bytes at a character boundary.
    func identity(limit: Int) -> CallerIdentity {
        func text(_ bytes: UnsafeRawBufferPointer?) -> String? {
            guard let bytes, !bytes.isEmpty else { return nil }
            var cut = String(decoding: bytes.prefix(limit), as: UTF8.self)
            // A multi-byte character split by the cut decodes as U+FFFD: drop it.
            while cut.utf8.count > limit || (bytes.count > limit && cut.hasSuffix("\u{FFFD}")) { cut.removeLast() }
            return cut
        }
        return CallerIdentity(address: address?.description, label: text(label), agent: text(agent), environment: text(environment))
    }
}
