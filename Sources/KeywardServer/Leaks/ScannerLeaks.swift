import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore
import KeywardStore

/// `POST /v1/leaks/revoke`: the leaks `keyward scan --revoke` found, sent by the holder of a
/// `keyward:write` credential as the SHA-256 of each key and where it was found.
///
/// They get the same response as a leak report (``KeywardStore/KeyService/respondToLeaks(_:action:)``):
/// revoked, a critical `leaked-key` finding, `key.leaked` — in one transaction, with the
/// credential as the audit actor and the places as `found_at`. The deployment's `leak_action`
/// does not apply: `--revoke` is an explicit request to revoke.
///
/// Keys carrying `keyward:` scopes are revoked too, although a write credential may not revoke
/// them by id: naming a key by the hash of its plaintext shows the key itself is exposed (the
/// API never discloses hashes), and a leaked administrator key is the one that most needs
/// revoking — the signed report route, which needs no credential at all, does the same.
enum ScannerLeaks {
    static let maximumFileLength = 4096
    static let maximumLabelLength = 256
    /// Git object ids: SHA-1 (40) or SHA-256 (64) hex digits; a short id has at least four.
    static let commitLengths = 4...64

    static func revoke(_ request: Request, context: KeywardRequestContext, credential: Credential, node: KeywardNode) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        try checkMembers(Data(buffer.readableBytesView))
        let body = try JSONBody.decode(LeakRevokeBody.self, from: buffer, allowed: ["leaks"])
        let sightings = try sightings(body)
        let principal = credential.principal
        let reporter = LeakReporter.scanner(actor: principal.id, address: principal.address)
        let outcomes = try await node.keys.respondToLeaks([LeakReportBatch(sightings: sightings, reporter: reporter)], action: .revoke)[0]
        node.logger.info("scanner leaks", metadata: [
            "actor": .string(principal.id), "keys": .stringConvertible(sightings.count),
            "revoked": .stringConvertible(outcomes.filter { $0.action == .revoked }.count),
        ])
        let answer = zip(sightings, outcomes).map { LeakRevokeResult.Item(tokenHash: $0.hash.hex, outcome: $1) }
        return try JSONBody.response(LeakRevokeResult(leaks: answer))
    }

    /// The sightings of a request, checked: hashes, one to eleven places each, bounded text.
    static func sightings(_ body: LeakRevokeBody) throws(APIError) -> [LeakSighting] {
        guard (1...LeakRevokeBody.maximumCount).contains(body.leaks.count) else {
            throw .badRequest("leaks must hold 1-\(LeakRevokeBody.maximumCount) keys, got \(body.leaks.count)")
        }
        return try body.leaks.enumerated().map { (index, item) throws(APIError) -> LeakSighting in
            let field = "leaks[\(index)]"
            guard let hash = KeyHash(hex: item.tokenHash) else {
                throw .badRequest("\(field).token_hash must be 64 hex digits (SHA-256 of the key)")
            }
            guard (1...LeakSighting.maximumLocations).contains(item.locations.count) else {
                throw .badRequest("\(field).locations must hold 1-\(LeakSighting.maximumLocations) places, got \(item.locations.count)")
            }
            for (place, location) in item.locations.enumerated() {
                try check(location, field: "\(field).locations[\(place)]")
            }
            if let found = item.locationsFound, found < item.locations.count {
                throw .badRequest("\(field).locations_found must be at least the number of locations sent (\(item.locations.count))")
            }
            return LeakSighting(hash: hash, foundAt: item.locations, locationsFound: item.locationsFound)
        }
    }

    static func check(_ location: LeakLocation, field: String) throws(APIError) {
        guard !location.file.isEmpty, location.file.utf8.count <= maximumFileLength else {
            throw .badRequest("\(field).file must be 1-\(maximumFileLength) bytes")
        }
        guard location.line >= 1, location.column >= 1 else { throw .badRequest("\(field).line and column count from 1") }
        for (name, text) in [("rule_id", location.ruleID), ("fingerprint", location.fingerprint)] {
            guard !text.isEmpty, text.utf8.count <= maximumLabelLength else {
                throw .badRequest("\(field).\(name) must be 1-\(maximumLabelLength) bytes")
            }
        }
        if let commit = location.commit {
            guard commitLengths.contains(commit.utf8.count), commit.allSatisfy(\.isHexDigit) else {
                throw .badRequest("\(field).commit must be a git object id (\(commitLengths.lowerBound)-\(commitLengths.upperBound) hex digits)")
            }
        }
    }

    /// Members are strict at every level, as at the top: a misspelt `commit` must not pass as absent.
    static func checkMembers(_ data: Data) throws(APIError) {
        let allowedItem: Set<String> = ["token_hash", "locations", "locations_found"]
        let allowedLocation: Set<String> = ["file", "line", "column", "commit", "rule_id", "fingerprint"]
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let items = top["leaks"] as? [Any] else { return }
        for (index, item) in items.enumerated() {
            guard let members = item as? [String: Any] else { continue }
            try refuseUnknown(members, allowed: allowedItem, field: "leaks[\(index)]")
            for (place, location) in (members["locations"] as? [Any] ?? []).enumerated() {
                guard let members = location as? [String: Any] else { continue }
                try refuseUnknown(members, allowed: allowedLocation, field: "leaks[\(index)].locations[\(place)]")
            }
        }
    }

    static func refuseUnknown(_ members: [String: Any], allowed: Set<String>, field: String) throws(APIError) {
        if let unknown = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw .badRequest("\(field): unknown field '\(unknown.prefix(64))'; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
