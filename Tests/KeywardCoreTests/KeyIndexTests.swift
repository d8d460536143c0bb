import KeywardCore
import Testing

@Suite("Key index")
struct KeyIndexTests {
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    func record(_ hash: KeyHash) -> KeyRecord {
        KeyRecord(id: .random(), hash: hash, name: "n", owner: "o", prefix: "kw", start: "abcd", environment: "live", scopes: [], createdAt: now)
    }

    @Test("matches a dictionary under random inserts, updates and removals, with colliding tags")
    func randomOperations() {
        var generator = SplitMix(seed: 42)
        let index = KeyIndex()
        var reference: [KeyHash: KeyID] = [:]
        // Few distinct first words and one shard: long probe runs and many tag collisions.
        func randomHash() -> KeyHash {
            var hash = KeyHash(of: "x")
            hash.w0 = generator.next() % 50
            hash.w1 = (generator.next() % 4) << 6
            hash.w2 = generator.next() % 8
            hash.w3 = 0
            return hash
        }
        for step in 0..<20_000 {
            let hash = randomHash()
            switch generator.next() % 3 {
            case 0, 1:
                let record = record(hash)
                index.upsert(record, now: now)
                reference[hash] = record.id
            default:
                index.remove(hash)
                reference[hash] = nil
            }
            if step % 97 == 0 {
                for (hash, id) in reference { #expect(index.lookup(hash)?.id == id) }
            }
        }
        #expect(index.count == reference.count)
        for (hash, id) in reference { #expect(index.lookup(hash)?.id == id) }
        // Everything not in the reference is absent.
        for w0 in 0..<UInt64(50) {
            for w2 in 0..<UInt64(8) {
                for shard in 0..<UInt64(4) {
                    var hash = KeyHash(of: "x")
                    (hash.w0, hash.w1, hash.w2, hash.w3) = (w0, shard << 6, w2, 0)
                    #expect((index.lookup(hash) != nil) == (reference[hash] != nil))
                }
            }
        }
    }

    @Test("a batch install replaces or merges")
    func batches() {
        let index = KeyIndex()
        let first = (0..<1000).map { record(KeyHash(of: "a\($0)")) }
        index.load(first, now: now)
        #expect(index.count == 1000)
        var batch = KeyIndex.Batch()
        let second = (0..<10).map { record(KeyHash(of: "b\($0)")) }
        index.add(second, to: &batch, now: now)
        index.install(batch, replacing: false)
        #expect(index.count == 1010)
        index.install(batch, replacing: true)
        #expect(index.count == 10)
        #expect(index.lookup(first[0].hash) == nil)
        #expect(index.lookup(second[3].hash)?.id == second[3].id)
    }
}

/// A small deterministic generator, so a failure reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
