import ArgumentParser
import KeywardBenchmarks

/// `keyward bench webhooks`: deliveries per second to a local receiver that verifies every
/// signature (the outbox drained at full speed).
struct WebhookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Webhook throughput: write N key.created events, then time their delivery to a local receiver.",
        discussion: "keyward bench webhooks --events 20000 --concurrency 64 [--database-url postgres://…] [--json]"
    )

    @Option(name: .long, help: "Events (deliveries) to send.") var events: Int = 20_000
    @Option(name: .long, help: "Deliveries in flight at once.") var concurrency: Int = 64
    @Option(name: .long, help: "A PostgreSQL database to use instead of a temporary SQLite file (its tables get webhook rows).") var databaseURL: String?
    @Flag(name: .long, help: "Do not verify signatures in the receiver.") var noVerify = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...1_000_000).contains(events) else { throw ValidationError("--events must be 1-1000000") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1-1024") }
    }

    func run() async throws {
        let result = try await WebhookBenchmark(events: events, concurrency: concurrency, databaseURL: databaseURL, verifySignatures: !noVerify).run()
        if output.json {
            try Output.json(result)
        } else {
            print(String(format: "delivered %d webhooks in %.2f s: %.0f deliveries/s (%d in flight, %@, %d signatures verified; events written in %.2f s)",
                         result.deliveries, result.seconds, result.deliveriesPerSecond, result.concurrency, result.backend,
                         result.verifiedSignatures, result.writeEventsSeconds))
        }
    }
}
