import ArgumentParser
import Foundation
import KeywardAPI
import KeywardCore

/// `keyward webhooks …`: subscriptions to key, finding, review and drill events, and their
/// deliveries.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Subscribe receivers to events and inspect deliveries (server: KEYWARD_ADDR, KEYWARD_TOKEN).",
        discussion: """
            Event types: \(WebhookEventType.allowedList).
            Deliveries are signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature); \
            the secret to verify them is printed once by `keyward webhooks create`.
            """,
        subcommands: [Create.self, List.self, Show.self, Pause.self, Resume.self, Delete.self, Deliveries.self, Redeliver.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a URL to events; prints the signing secret once.",
            discussion: "keyward webhooks create --url https://hooks.example.com/keyward --events key.revoked,key.leaked --owner payments"
        )
        @Option(name: .long, help: "Receiver URL (http or https).") var url: String
        @Option(name: .long, help: "Comma-separated event types.") var events: String
        @Option(name: .long, help: "Only events about this owner.") var owner: String?
        @Option(name: .long, help: "A note for people.") var description: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let names = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let created = try await Client.run {
                try await $0.createWebhook(WebhookCreateBody(url: url, events: names, owner: owner, description: description))
            }
            if output.json {
                try Output.json(created)
            } else {
                Output.fields(WebhooksCommand.fields(created.subscription) + [("secret", created.secret)])
                Output.note("Store the secret now: it is not shown again. Receivers verify webhook-signature with it.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subscriptions.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.webhooks() }
            if output.json {
                try Output.json(list)
            } else {
                Output.table(["ID", "URL", "EVENTS", "OWNER", "PAUSED", "CREATED"], list.webhooks.map { hook in
                    [hook.id, hook.url, hook.events.map(\.rawValue).joined(separator: ","), hook.owner ?? "-", hook.paused ? "yes" : "no",
                     hook.createdAt.iso8601]
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one subscription.")
        @Argument var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let hook = try await Client.run { try await $0.webhook(id: id) }
            if output.json { try Output.json(hook) } else { Output.fields(WebhooksCommand.fields(hook)) }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sending (events keep queuing until resumed).")
        @Argument var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let hook = try await Client.run { try await $0.setWebhookPaused(id: id, true) }
            if output.json { try Output.json(hook) } else { Output.fields(WebhooksCommand.fields(hook)) }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send again, starting with what queued while paused.")
        @Argument var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let hook = try await Client.run { try await $0.setWebhookPaused(id: id, false) }
            if output.json { try Output.json(hook) } else { Output.fields(WebhooksCommand.fields(hook)) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a subscription and its queued deliveries.")
        @Argument var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let hook = try await Client.run { try await $0.deleteWebhook(id: id) }
            if output.json { try Output.json(hook) } else { print("deleted \(hook.id) (\(hook.url))") }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A subscription's deliveries, newest first, with attempts and status codes.")
        @Argument var id: String
        @Option(name: .long, help: "pending, delivered or failed.") var state: WebhookDelivery.State?
        @Option(name: .long, help: "At most this many (1-500).") var limit: Int?
        @Option(name: .long, help: "The next_cursor of the previous page.") var cursor: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list = try await Client.run { try await $0.webhookDeliveries(id: id, state: state, limit: limit, cursor: cursor) }
            if output.json {
                try Output.json(list)
                return
            }
            Output.table(["ID", "EVENT", "SUBJECT", "STATE", "ATTEMPTS", "LAST STATUS", "NEXT ATTEMPT", "CREATED"], list.deliveries.map { delivery in
                [delivery.id, delivery.eventType, delivery.subject, delivery.state.rawValue, String(delivery.attempts),
                 delivery.lastStatus.map(String.init) ?? delivery.lastError.map { String($0.prefix(40)) } ?? "-",
                 delivery.nextAttemptAt?.iso8601 ?? "-", delivery.createdAt.iso8601]
            })
            if let next = list.nextCursor { Output.note("more: --cursor \(next)") }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a delivery again (due at once, with a fresh retry horizon).")
        @Argument(help: "Subscription id.") var id: String
        @Argument(help: "Delivery id (msg_…).") var delivery: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let queued = try await Client.run { try await $0.redeliverWebhook(id: id, delivery: delivery) }
            if output.json { try Output.json(queued) } else { print("queued \(queued.id) (\(queued.eventType)) for redelivery") }
        }
    }

    static func fields(_ hook: WebhookSubscription) -> [(String, String)] {
        [("id", hook.id), ("url", hook.url), ("events", hook.events.map(\.rawValue).joined(separator: " ")), ("owner", hook.owner ?? "any"),
         ("description", hook.description ?? "-"), ("paused", hook.paused ? "yes" : "no"), ("created", hook.createdAt.iso8601),
         ("created by", hook.createdBy)]
    }
}

extension WebhookDelivery.State: ExpressibleByArgument {}
