import AsyncHTTPClient
import KeywardCore
import KeywardSettings
import KeywardStore
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers webhook events from the durable outbox; a service beside the HTTP server.
///
/// One loop, woken by a ticker every poll interval and by every finished attempt:
/// 1. record finished attempts (one transaction for all of them);
/// 2. hold the dispatcher lease (one node dispatches at a time; the others wait for it to lapse);
/// 3. turn new audit events into deliveries (after the persisted cursor);
/// 4. now and then, write the scheduled events (key.expiring, review.overdue);
/// 5. start due deliveries up to `maxInFlight` at once, each the earliest pending one of its
///    subject, so per-subject order holds.
///
/// State lives in the database only: a restart or a new node resumes where the last left off.
/// An attempt cut short by shutdown is not recorded and is sent again later (at least once;
/// receivers drop repeats by `webhook-id`).
public struct WebhookDispatcher: Service {
    let store: SQLStore
    let configuration: WebhookConfiguration
    let clock: any WallClock
    let stats: WebhookStats
    let logger: Logger
    /// Identifies this dispatcher in the lease row.
    let holder: String

    public init(store: SQLStore, configuration: WebhookConfiguration, clock: any WallClock, stats: WebhookStats, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.stats = stats
        self.logger = logger
        holder = "node_" + String(KeyID.random().description.dropFirst(4))
    }

    /// Finished attempts waiting to be recorded.
    final class Inbox: Sendable {
        let outcomes = Mutex<[WebhookAttemptOutcome]>([])
        let stopping = Atomic<Bool>(false)
        func take() -> [WebhookAttemptOutcome] { outcomes.withLock { value in defer { value = [] }; return value } }
        func put(_ outcome: WebhookAttemptOutcome) { outcomes.withLock { $0.append(outcome) } }
        func putBack(_ unrecorded: [WebhookAttemptOutcome]) { outcomes.withLock { $0.insert(contentsOf: unrecorded, at: 0) } }
    }

    public func run() async throws {
        let sender = WebhookSender(configuration, clock: clock)
        let inbox = Inbox()
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let poll = Duration.milliseconds(configuration.pollMilliseconds)
        var state = LoopState()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !inbox.stopping.load(ordering: .relaxed) && !Task.isCancelled {
                        try? await Task.sleep(for: poll)
                        wake.yield()
                    }
                    wake.finish()
                }
                for await _ in wakeups {
                    if inbox.stopping.load(ordering: .relaxed) { break }
                    let started = await cycle(&state, inbox: inbox)
                    for delivery in started {
                        group.addTask {
                            let outcome = await sender.send(delivery)
                            // Cancelled (the service was cancelled, not shut down gracefully):
                            // not an attempt; the delivery stays pending and is sent again.
                            guard !Task.isCancelled else { return }
                            inbox.put(outcome)
                            wake.yield()
                        }
                    }
                }
                inbox.stopping.store(true, ordering: .relaxed)
            }
        } onGracefulShutdown: {
            inbox.stopping.store(true, ordering: .relaxed)
            wake.yield()
        }
        // Every attempt has finished (each is bounded by the timeout): record them, hand the
        // lease over.
        await record(inbox, state: &state)
        if state.leader { try? await store.releaseWebhookLease(holder: holder) }
        stats.setDispatching(false)
        logger.info("webhook dispatcher stopped", metadata: ["holder": .string(holder)])
    }

    struct LoopState {
        var inFlight: Set<String> = []
        var leader = false
        var leaseRenewedAt: Timestamp = .distantPast
        var noticesAt: Timestamp = .distantPast
        var depthAt: Timestamp = .distantPast
        var ingestedAt: ContinuousClock.Instant = .now - .seconds(3600)
        var caughtUp = false
        var failing = false
    }

    /// One turn of the loop; returns the deliveries to start.
    func cycle(_ state: inout LoopState, inbox: Inbox) async -> [DueWebhookDelivery] {
        await record(inbox, state: &state)
        do {
            let now = clock.now()
            let ttl = Int64(configuration.leaseMilliseconds)
            if !state.leader || now.millisecondsSinceEpoch - state.leaseRenewedAt.millisecondsSinceEpoch >= ttl / 3 {
                let wasLeader = state.leader
                state.leader = try await store.acquireWebhookLease(holder: holder, now: now, ttlMilliseconds: ttl)
                if state.leader { state.leaseRenewedAt = now }
                if state.leader != wasLeader {
                    logger.info(state.leader ? "webhook dispatcher took the lease" : "webhook dispatcher lost the lease", metadata: ["holder": .string(holder)])
                }
                stats.setDispatching(state.leader)
            }
            if now.millisecondsSinceEpoch - state.depthAt.millisecondsSinceEpoch >= 1000 {
                stats.setQueueDepth(try await store.pendingWebhookDeliveryCount())
                state.depthAt = now
            }
            guard state.leader else { return [] }
            if now.millisecondsSinceEpoch - state.noticesAt.millisecondsSinceEpoch >= Int64(configuration.noticeIntervalMilliseconds) {
                let expiring = try await store.emitExpiringKeyEvents(now: now, withinDays: configuration.expiringNoticeDays)
                let overdue = try await store.emitOverdueReviewEvents(now: now)
                state.noticesAt = now
                if expiring + overdue > 0 {
                    logger.info("scheduled events written", metadata: ["key.expiring": .stringConvertible(expiring), "review.overdue": .stringConvertible(overdue)])
                }
            }
            // New events are looked for once per poll interval (turns woken by finished
            // attempts in between skip it), a few pages at a time so that recording attempts is
            // not starved by a large backlog.
            let elapsed = ContinuousClock.now - state.ingestedAt
            if !state.caughtUp || elapsed >= .milliseconds(configuration.pollMilliseconds) {
                state.ingestedAt = ContinuousClock.now
                for _ in 0..<4 {
                    state.caughtUp = try await store.ingestWebhookEvents(now: clock.now()).caughtUp
                    if state.caughtUp { break }
                }
            }
            let free = configuration.maxInFlight - state.inFlight.count
            guard free > 0 else { return [] }
            let due = try await store.dueWebhookDeliveries(now: clock.now(), limit: free + state.inFlight.count)
            let starting = Array(due.filter { !state.inFlight.contains($0.id) }.prefix(free))
            for delivery in starting { state.inFlight.insert(delivery.id) }
            if state.failing {
                state.failing = false
                logger.info("webhook dispatcher recovered")
            }
            return starting
        } catch {
            // The database is unreachable or busy: nothing is lost (state is in the database);
            // try again at the next tick.
            if !state.failing { logger.error("webhook dispatch failed; retrying", metadata: ["error": .string(String(describing: error))]) }
            state.failing = true
            return []
        }
    }

    /// Records finished attempts. A failed write puts them back for the next turn (they stay
    /// in flight meanwhile, so they are not sent again).
    func record(_ inbox: Inbox, state: inout LoopState) async {
        let outcomes = inbox.take()
        guard !outcomes.isEmpty else { return }
        do {
            let summary = try await store.recordWebhookOutcomes(outcomes, backoff: configuration.backoff)
            for outcome in outcomes { state.inFlight.remove(outcome.delivery.id) }
            stats.add(delivered: summary.delivered, failed: summary.failed, retried: summary.retrying)
            if summary.failed > 0 {
                logger.warning("webhook deliveries given up", metadata: ["count": .stringConvertible(summary.failed)])
            }
        } catch {
            logger.error("recording webhook attempts failed; will retry", metadata: ["error": .string(String(describing: error))])
            inbox.putBack(outcomes)
        }
    }
}
