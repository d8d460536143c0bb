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

    /// The digest of each text field (nil when absent): the caller table's key is made of
    /// them and the address, and the interner finds a field's shared copy by it.
    func fieldHashes() -> (label: Int?, agent: Int?, environment: Int?) {
        func digest(_ field: UnsafeRawBufferPointer?) -> Int? {
            guard let field, !field.isEmpty else { return nil }
            var hasher = Hasher()
            hasher.combine(bytes: field)
            return hasher.finalize()
        }
        return (digest(label), digest(agent), digest(environment))
    }
}

/// A caller's identity as the recorder keeps it until a flush: the address as a number and the
/// text fields as shared strings, so that a new caller costs no allocation when its label,
/// User-Agent and environment were seen before (they nearly always were).
struct RecordedCaller {
    var address: IPAddress?
    var label: String?
    var agent: String?
    var environment: String?

    var identity: CallerIdentity {
        CallerIdentity(address: address?.description, label: label, agent: agent, environment: environment)
    }
}

/// Shares one `String` per distinct field value within a shard. Bounded: when full, values are
/// still copied, just not shared.
struct FieldInterner {
    private var strings: [Int: String] = [:]
    static let capacity = 4096

    mutating func intern(_ bytes: UnsafeRawBufferPointer?, hash: Int?, limit: Int) -> String? {
        guard let bytes, let hash else { return nil }
        if let known = strings[hash] {
            if bytes.count <= limit ? known.utf8.elementsEqual(bytes) : known == FieldInterner.cut(bytes, limit: limit) { return known }
        }
        let made = FieldInterner.cut(bytes, limit: limit)
        if strings.count < FieldInterner.capacity { strings[hash] = made }
        return made
    }

    /// The bytes as text, cut to `limit` bytes at a character boundary.
    static func cut(_ bytes: UnsafeRawBufferPointer, limit: Int) -> String {
        var text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        // A multi-byte character split by the cut decodes as U+FFFD: drop it.
        while text.utf8.count > limit || (bytes.count > limit && text.hasSuffix("\u{FFFD}")) { text.removeLast() }
        return text
    }
}
