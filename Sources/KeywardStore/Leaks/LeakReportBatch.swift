import KeywardCore

/// One leak report as the key service acts on it: the sightings in the order they were
/// reported, and who reported them.
public struct LeakReportBatch: Sendable {
    public var sightings: [LeakSighting]
    public var reporter: LeakReporter

    public init(sightings: [LeakSighting], reporter: LeakReporter) {
        self.sightings = sightings
        self.reporter = reporter
    }
}
