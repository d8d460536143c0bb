import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore

/// `keyward reviews …`: access-review campaigns (CIS Controls 5.5, NIST CSF PR.AA-05).
struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews",
        abstract: "Run access reviews: owners answer keep or revoke for each of their credentials; export the evidence.",
        subcommands: [Start.self, List.self, Show.self, Attest.self, Close.self, Export.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a campaign over the live credentials a selector chooses.",
            discussion: """
                --selector KEY=VALUE[,VALUE…] (repeat; all must match): provider=aws, kind=access_key, environment=prod*, \
                owner=team-*, tag:tier=1. Without a selector every live credential is in scope.
                """
        )
        @Option(name: .long, help: "Campaign name (default: \"Access review\" and today's date).") var name: String?
        @Option(name: .long, help: "KEY=VALUE[,VALUE…]: provider, kind, environment, owner or tag:NAME (repeat).") var selector: [String] = []
        @Option(name: .long, help: "Days until answers are due (default 14).") var dueDays: Int64?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let body = ReviewStartBody(name: name, selector: try Self.parseSelector(selector), dueDays: dueDays)
            let detail = try await Client.run { try await $0.startReview(body) }
            if output.json { return try Output.json(detail) }
            ReviewsCommand.summary(detail.review)
            print("")
            ReviewsCommand.items(detail.items)
        }

        static func parseSelector(_ pairs: [String]) throws -> SelectorObject? {
            guard !pairs.isEmpty else { return nil }
            var selector = SelectorObject()
            for pair in pairs {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("--selector takes KEY=VALUE, got \"\(pair)\"")
                }
                let key = String(pair[..<equals])
                let values = pair[pair.index(after: equals)...].split(separator: ",").map(String.init)
                guard !values.isEmpty else { throw ValidationError("--selector \(key)= needs a value") }
                switch key {
                case "provider": selector.provider = (selector.provider ?? []) + values
                case "kind": selector.kind = (selector.kind ?? []) + values
                case "environment", "env": selector.environment = (selector.environment ?? []) + values
                case "owner": selector.owner = (selector.owner ?? []) + values
                case _ where key.hasPrefix("tag:") && key.count > 4:
                    selector.tag = selector.tag ?? [:]
                    selector.tag![String(key.dropFirst(4)), default: []] += values
                default:
                    throw ValidationError("--selector: unknown key \"\(key)\"; use provider, kind, environment, owner or tag:NAME")
                }
            }
            return selector
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, newest first, with their progress.")
        @Option(name: .long, help: "open or closed.") var status: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.reviews(status: status) }
            if output.json { return try Output.json(list) }
            Output.table(["ID", "NAME", "STATUS", "DUE", "TOTAL", "KEPT", "REVOKED", "UNANSWERED", "OVERDUE"], list.reviews.map { review in
                [review.id, review.name, review.status.rawValue, review.dueAt.iso8601, String(review.total), String(review.kept),
                 String(review.revoked), String(review.unanswered), review.overdue ? "yes" : "no"]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a campaign and every item's answer.")
        @Argument(help: "Campaign id (rev_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let detail = try await Client.run { try await $0.review(id: id) }
            if output.json { return try Output.json(detail) }
            ReviewsCommand.summary(detail.review)
            print("")
            ReviewsCommand.items(detail.items)
        }
    }

    struct Attest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer for one credential: keep (with --justification) or revoke.",
            discussion: """
                Only the credential's owner (the owner of KEYWARD_TOKEN's key) or an administrator answers. \
                revoke revokes a keyward key at once; an external credential becomes a review-revocation-pending \
                finding until an import shows it disabled or gone.
                """
        )
        @Argument(help: "Campaign id (rev_…).") var campaign: String
        @Argument(help: "The credential: its id (key_…, inv_…) or external id (AKIA…).") var subject: String
        @Argument(help: "keep or revoke.") var decision: Attestation.Decision
        @Option(name: .long, help: "Why it is still needed (required for keep).") var justification: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if decision == .keep && (justification ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("keep needs --justification: say why the credential is still needed")
            }
        }

        func run() async throws {
            let body = AttestBody(subject: subject, decision: decision, justification: justification)
            let result = try await Client.run { try await $0.attest(reviewID: campaign, body) }
            if output.json { return try Output.json(result) }
            print("\(result.item.subject.externalID ?? result.item.subject.id): \(decision.rawValue)")
            if let key = result.revokedKey { print("revoked \(key)") }
            let review = result.review
            print("campaign \(review.id): \(review.kept + review.revoked) of \(review.total) answered")
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a campaign; answers can no longer change.")
        @Argument(help: "Campaign id (rev_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let review = try await Client.run { try await $0.closeReview(id: id) }
            if output.json { try Output.json(review) } else { ReviewsCommand.summary(review) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a campaign as evidence (JSON with a SHA-256 over its canonical form).",
            discussion: "The sha256 member covers the canonical JSON (sorted keys, no whitespace) of every other member."
        )
        @Argument(help: "Campaign id (rev_…).") var id: String
        @Option(name: .long, help: "Write to this file instead of stdout.") var output: String?

        func run() async throws {
            let evidence = try await Client.run { try await $0.evidence(reviewID: id) }
            try GovernanceOutput.write(evidence, to: output)
        }
    }

    static func summary(_ review: ReviewSummaryObject) {
        Output.fields([
            ("id", review.id), ("name", review.name), ("scope", review.scope), ("status", review.status.rawValue),
            ("started", "\(review.startedAt.iso8601) by \(review.startedBy)"), ("due", review.dueAt.iso8601 + (review.overdue ? " (overdue)" : "")),
            ("answers", "\(review.kept) keep, \(review.revoked) revoke, \(review.unanswered) unanswered of \(review.total)"),
        ])
    }

    static func items(_ items: [ReviewItem]) {
        Output.table(["SUBJECT", "PROVIDER", "CREDENTIAL", "OWNER", "DECISION", "BY", "JUSTIFICATION"], items.map { item in
            [item.subject.id, item.subject.provider.rawValue, item.subject.externalID ?? item.name ?? "-", item.subject.owner ?? "-",
             item.attestation?.decision.rawValue ?? "-", item.attestation?.attestedBy ?? "-", item.attestation?.justification ?? "-"]
        })
    }
}
