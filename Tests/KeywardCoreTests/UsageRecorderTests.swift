import KeywardCore
import Testing

@Suite("Usage recorder")
struct UsageRecorderTests {
    let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_800_000_000))
    let lifecycle = try! KeyLifecycle()

    func setUp(keys: Int = 1) throws -> (Verifier, [KeyLifecycle.Issued]) {
        let verifier = Verifier(format: lifecycle.format, clock: clock)
        let issued = try (0..<keys).map { try lifecycle.issue(IssueRequest(name: "k\($0)", owner: "team-a"), now: clock.now()) }
        verifier.index.load(issued.map(\.record), now: clock.now())
        return (verifier, issued)
    }

    /// Verifies `key` and records it the way the verify route does.
    func verify(_ verifier: Verifier, _ recorder: UsageRecorder, _ key: String, address: String?, label: String? = nil,
                agent: String? = nil, environment: String? = nil) {
        let outcome = verifier.verify(key)
        func bytes(_ text: String?, _ use: (UnsafeRawBufferPointer?) -> Void) {
            guard var text else { return use(nil) }
            text.withUTF8 { use(UnsafeRawBufferPointer($0)) }
        }
        bytes(label) { label in
            bytes(agent) { agent in
                bytes(environment) { environment in
                    recorder.record(outcome, caller: CallerFields(address: address.flatMap(IPAddress.init), label: label, agent: agent,
                                                                  environment: environment))
                }
            }
        }
    }

    @Test("hourly counts by answer and distinct callers with first and last sight")
    func countsAndCallers() throws {
        let (verifier, keys) = try setUp()
        let recorder = UsageRecorder()
        let key = keys[0].plaintext.reveal()
        verify(verifier, recorder, key, address: "10.1.2.3", label: "billing")
        clock.advance(seconds: 10)
        verify(verifier, recorder, key, address: "10.1.2.3", label: "billing")
        verify(verifier, recorder, key, address: "10.1.2.4", agent: "curl/8", environment: "live")
        clock.advance(seconds: 3600)
        verify(verifier, recorder, key, address: "10.1.2.3", label: "billing")

        let batch = recorder.drain().monitored
        let id = keys[0].record.id
        let hour = Timestamp(secondsSinceEpoch: 1_800_000_000).hourStart
        #expect(batch.counts.filter { $0.hour == hour }.map(\.count) == [3])
        #expect(batch.counts.filter { $0.hour == hour.adding(seconds: 3600) }.map(\.count) == [1])
        #expect(batch.counts.allSatisfy { $0.code == .valid && $0.keyID == id })
        #expect(batch.callers.count == 2)
        let billing = try #require(batch.callers.first { $0.caller.label == "billing" })
        #expect(billing.count == 3)
        #expect(billing.validCount == 3)
        #expect(billing.firstSeen == Timestamp(secondsSinceEpoch: 1_800_000_000))
        #expect(billing.lastSeen == Timestamp(secondsSinceEpoch: 1_800_003_610))
        #expect(billing.caller.network == "10.1.2.0/24")
        let curl = try #require(batch.callers.first { $0.caller.agent == "curl/8" })
        #expect(curl.caller.environment == "live")
        #expect(curl.caller.address == "10.1.2.4")
        #expect(recorder.drain().isEmpty)
    }

    @Test("refusals of a known key count under its code; unknown and malformed keys count by address")
    func refusalsAndGuesses() throws {
        let (verifier, keys) = try setUp()
        let recorder = UsageRecorder()
        _ = verifier.verify(keys[0].plaintext.reveal(), requiredScopes: ["x:y"])
        let outcome = verifier.verify(keys[0].plaintext.reveal(), requiredScopes: ["x:y"])
        recorder.record(outcome, caller: CallerFields(address: IPAddress("10.0.0.1")))
        verify(verifier, recorder, lifecycle.format.generate(environment: "live").reveal(), address: "203.0.113.9")
        verify(verifier, recorder, "kw_live_nonsense", address: "203.0.113.9")
        verify(verifier, recorder, "kw_live_nonsense", address: "2001:db8:1:2::1")
        verify(verifier, recorder, "kw_live_nonsense", address: "2001:db8:1:2:ffff::9")
        verify(verifier, recorder, "kw_live_nonsense", address: nil)
        let batch = recorder.drain().monitored
        #expect(batch.counts.map(\.code) == [.insufficientScope])
        let v4 = try #require(batch.guesses.first { $0.source == "203.0.113.9" })
        #expect(v4.notFound == 1 && v4.malformed == 1)
        // Two addresses of one IPv6 /64 are one source.
        let v6 = try #require(batch.guesses.first { $0.source == "2001:db8:1:2::/64" })
        #expect(v6.malformed == 2)
        #expect(batch.guesses.count == 2)
    }

    @Test("a flood of distinct callers stays bounded and is counted as overflow")
    func boundedCallers() throws {
        let (verifier, keys) = try setUp(keys: 2)
        var limits = UsageLimits()
        limits.callersPerKey = 8
        limits.totalCallers = 12
        let recorder = UsageRecorder(limits: limits)
        for index in 0..<100 { verify(verifier, recorder, keys[0].plaintext.reveal(), address: "10.0.\(index / 200).\(index % 200)") }
        for index in 0..<20 { verify(verifier, recorder, keys[1].plaintext.reveal(), address: "10.9.0.\(index)") }
        let batch = recorder.drain().monitored
        #expect(batch.callers.filter { $0.keyID == keys[0].record.id }.count == 8)
        #expect(batch.callers.filter { $0.keyID == keys[1].record.id }.count == 4)
        #expect(batch.callerOverflow[keys[0].record.id] == 92)
        #expect(batch.callerOverflow[keys[1].record.id] == 16)
        // Counts are never lost to the cap.
        #expect(batch.counts.reduce(0) { $0 + $1.count } == 120)
        // After a flush the tables have room again.
        verify(verifier, recorder, keys[1].plaintext.reveal(), address: "10.9.9.9")
        #expect(recorder.drain().monitored.callers.count == 1)
    }

    @Test("guess sources are bounded; the rest is counted as dropped")
    func boundedGuesses() throws {
        let (verifier, _) = try setUp()
        var limits = UsageLimits()
        limits.guessSources = 32
        let recorder = UsageRecorder(limits: limits)
        for index in 0..<2000 { verify(verifier, recorder, "kw_live_guess", address: "198.51.\(index / 250).\(index % 250)") }
        let batch = recorder.drain().monitored
        #expect(batch.guesses.count <= 32)
        #expect(Int64(batch.guesses.count) + batch.droppedGuesses == 2000)
    }

    @Test("long fields are cut at a character boundary; restore hands a failed batch back")
    func fieldsAndRestore() throws {
        let (verifier, keys) = try setUp()
        var limits = UsageLimits()
        limits.maximumFieldBytes = 5
        let recorder = UsageRecorder(limits: limits)
        verify(verifier, recorder, keys[0].plaintext.reveal(), address: "10.0.0.1", label: "abcdéfgh", agent: "ééé")
        let batch = recorder.drain()
        #expect(batch.monitored.callers.first?.caller.label == "abcd")
        #expect(batch.monitored.callers.first?.caller.agent == "éé")
        recorder.restore(batch)
        verify(verifier, recorder, keys[0].plaintext.reveal(), address: "10.0.0.1", label: "abcdéfgh", agent: "ééé")
        let again = recorder.drain()
        #expect(again.monitored.callers.count == 2)
        #expect(again.monitored.counts.reduce(0) { $0 + $1.count } == 2)
        #expect(again.uses.map(\.uses) == [2], "the restored use merges with the new one")
    }

    @Test("uses are counted in memory and drained once; refusals are no use")
    func uses() throws {
        let (verifier, keys) = try setUp(keys: 2)
        let recorder = UsageRecorder()
        for _ in 0..<5 { verify(verifier, recorder, keys[0].plaintext.reveal(), address: nil) }
        clock.advance(seconds: 3)
        verify(verifier, recorder, keys[0].plaintext.reveal(), address: nil)
        recorder.record(verifier.verify(keys[1].plaintext.reveal(), requiredScopes: ["nope"]), caller: CallerFields(address: nil))
        let deltas = recorder.drain().uses
        #expect(deltas.count == 1)
        #expect(deltas.first?.keyID == keys[0].record.id)
        #expect(deltas.first?.uses == 6)
        #expect(deltas.first?.lastUsedAt == clock.now())
        #expect(recorder.drain().isEmpty)
        verify(verifier, recorder, keys[0].plaintext.reveal(), address: nil)
        recorder.restore(RecordedUsage(uses: deltas))
        let merged = recorder.drain().uses
        #expect(merged.count == 1)
        #expect(merged.first?.uses == 7, "a restored batch merges with new uses")
    }

    @Test("one drain holds a verification's use and its tally; a credential's use is a use only")
    func oneDrain() throws {
        let (verifier, keys) = try setUp(keys: 2)
        let recorder = UsageRecorder()
        verify(verifier, recorder, keys[0].plaintext.reveal(), address: "10.0.0.1")
        let credential = verifier.verify(keys[1].plaintext.reveal())
        recorder.recordCredentialUse(try #require(credential.key), at: credential.checkedAt)
        #expect(verifier.index.lookup(keys[1].record.hash)?.unflushedUses == 1, "reads of the key see the use before the flush")
        let drained = recorder.drain()
        #expect(Set(drained.uses.map(\.keyID)) == [keys[0].record.id, keys[1].record.id])
        #expect(drained.uses.allSatisfy { $0.uses == 1 })
        #expect(drained.monitored.counts.map(\.keyID) == [keys[0].record.id])
        #expect(drained.monitored.callers.map(\.keyID) == [keys[0].record.id])
        #expect(verifier.index.lookup(keys[1].record.hash)?.unflushedUses == 0)
    }

    @Test("concurrent verifications lose no uses")
    func concurrentCounting() async throws {
        let (verifier, keys) = try setUp()
        let recorder = UsageRecorder()
        let key = keys[0].plaintext.reveal()
        let drainedMeanwhile = await withTaskGroup(of: Int64.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<5000 { recorder.record(verifier.verify(key), caller: CallerFields(address: nil)) }
                    return 0
                }
            }
            group.addTask {
                var taken: Int64 = 0
                for _ in 0..<50 {
                    taken += recorder.drain().uses.map(\.uses).reduce(0, +)
                    await Task.yield()
                }
                return taken
            }
            return await group.reduce(0, +)
        }
        let rest = recorder.drain().uses.map(\.uses).reduce(0, +)
        #expect(drainedMeanwhile + rest == 20_000)
    }

    @Test("caller ids are stable and distinguish fields")
    func callerIDs() {
        let a = CallerIdentity(address: "10.0.0.1", label: "ab", agent: "c")
        let b = CallerIdentity(address: "10.0.0.1", label: "a", agent: "bc")
        #expect(a.id == CallerIdentity(address: "10.0.0.1", label: "ab", agent: "c").id)
        #expect(a.id != b.id)
        #expect(a.id.hasPrefix("cal_") && a.id.count == 28)
        #expect(CallerIdentity(address: "2001:db8:aa:bb::1").network == "2001:db8:aa::/48")
        #expect(CallerIdentity(address: nil).network == nil)
    }
}
