/// What keyward does with a live key that is reported leaked.
public enum LeakAction: String, Sendable, CaseIterable {
    /// Revoke it at once (the default): an exposed key is abused within minutes.
    case revoke
    /// Only record the finding and the `key.leaked` event, for deployments that want a person
    /// (or a webhook receiver) to decide.
    case report
}
