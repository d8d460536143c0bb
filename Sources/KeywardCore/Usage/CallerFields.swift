/// What a verification says about its caller, as borrowed bytes of the request (valid only for
/// the duration of ``UsageRecorder/record(_:caller:)``). Nothing is copied unless the
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
    func fieldHashes() -> (label: UInt64?, agent: UInt64?, environment: UInt64?) {
        func digest(_ field: UnsafeRawBufferPointer?) -> UInt64? {
            guard let field, !field.isEmpty else { return nil }
            return FastHash.bytes(field)
        }
        return (digest(label), digest(agent), digest(environment))
    }

    /// The caller table's key: address and field digests mixed into one word.
    func fingerprint(_ hashes: (label: UInt64?, agent: UInt64?, environment: UInt64?)) -> UInt64 {
        var value = FastHash.mix(address.map { $0.high ^ FastHash.mix($0.low) } ?? 0x5851_F42D_4C95_7F2D)
        for field in [hashes.label, hashes.agent, hashes.environment] {
            value = FastHash.mix(value ^ (field ?? 0x1405_7B7E_F767_814F))
        }
        return value
    }
}

/// A fast, unkeyed 64-bit hash for in-memory tables of the verify path (SipHash's per-call
/// setup showed in profiles). Not collision-resistant against an adversary: a collision merges
/// two callers' counts, it cannot leak or corrupt anything.
enum FastHash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value &+ 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    static func bytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value = UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            value = mix(value ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        return mix(value ^ tail ^ 0xFF51_AFD7_ED55_8CCD)
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
    private var strings: [UInt64: String] = [:]
    static let capacity = 4096

    mutating func intern(_ bytes: UnsafeRawBufferPointer?, hash: UInt64?, limit: Int) -> String? {
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
