import KeywardCore
import Testing

@Suite("Audit chain")
struct AuditChainTests {
    func chain(_ count: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        var previous: (sequence: Int64, hash: String)?
        for index in 0..<count {
            let draft = AuditDraft(actor: "key_a", action: "key.created", subjectKind: "key", subjectID: "key_\(index)", details: ["n": .number(Double(index))])
            let event = draft.sealed(after: previous, at: Timestamp(secondsSinceEpoch: Int64(1000 + index)))
            events.append(event)
            previous = (event.sequence, event.hash)
        }
        return events
    }

    @Test("an untouched chain verifies")
    func intact() {
        #expect(AuditChain.verify(chain(20)) == nil)
        #expect(AuditChain.verify([AuditEvent]()) == nil)
    }

    @Test("altering any field of any event is found at that event")
    func altered() {
        let events = chain(10)
        for index in events.indices {
            var tampered = events
            tampered[index].details["n"] = .number(99)
            #expect(AuditChain.verify(tampered) == .contentAltered(sequence: Int64(index + 1)))
            tampered = events
            tampered[index].actor = "someone-else"
            #expect(AuditChain.verify(tampered)?.sequence == Int64(index + 1))
            tampered = events
            tampered[index].occurredAt = Timestamp(secondsSinceEpoch: 1)
            #expect(AuditChain.verify(tampered)?.sequence == Int64(index + 1))
        }
    }

    @Test("an event rewritten with a recomputed hash breaks the next link")
    func rehashed() {
        var events = chain(5)
        events[2].action = "key.deleted"
        events[2].hash = events[2].computeHash()
        guard case .brokenLink(let sequence, _, _)? = AuditChain.verify(events) else {
            Issue.record("expected a broken link")
            return
        }
        #expect(sequence == 4)
    }

    @Test("removal and reordering are found")
    func removedOrReordered() {
        var removed = chain(6)
        removed.remove(at: 3)
        #expect(AuditChain.verify(removed) == .sequenceGap(expected: 4, found: 5))
        var swapped = chain(6)
        swapped.swapAt(1, 2)
        #expect(AuditChain.verify(swapped)?.sequence != nil)
        var renumbered = chain(6)
        renumbered.remove(at: 3)
        for index in 3..<renumbered.count { renumbered[index].sequence -= 1 }
        #expect(AuditChain.verify(renumbered)?.sequence == 4)
    }

    @Test("canonical content is deterministic and includes every field")
    func canonical() {
        let event = chain(1)[0]
        #expect(event.canonicalContent == event.canonicalContent)
        #expect(String(decoding: event.canonicalContent, as: UTF8.self).contains("prev_hash=64:" + AuditEvent.genesisHash))
        let json: JSONValue = ["b": 1, "a": ["x", true, nil], "c": "q\"\n"]
        #expect(json.canonicalJSON == #"{"a":["x",true,null],"b":1,"c":"q\"\n"}"#)
    }
}
