import Logging

/// The log handler the database drivers write through: it never lets a bind value or a row
/// through, at any level.
///
/// SQLKit logs every statement at `debug` with its bind values (`binds`): webhook signing
/// secrets, URLs whose path is a credential, dashboard CSRF tokens, key hashes. postgres-nio logs
/// at `trace` every message it exchanges with the server, rows read back included. Both follow
/// the level of the logger they are given, so `--log-level debug` would copy secrets into the
/// log. Below `info` this handler passes on only SQLKit's statements, with their SQL text (whose
/// values are all placeholders) and nothing else; everything the drivers log below `info` is
/// dropped, whatever it carries. From `info` up (connection failures, errors) events pass, minus
/// any `binds`. Statements therefore stay visible at `debug`, which is how the tests count the
/// statements an operation runs.
struct DriverLogHandler: LogHandler {
    var upstream: any LogHandler

    var logLevel: Logger.Level {
        get { upstream.logLevel }
        set { upstream.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { upstream.metadataProvider }
        set { upstream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level < .info {
            guard let statement = event.metadata?[Self.statementKey] else { return }
            event.metadata = [Self.statementKey: statement]
        } else {
            event.metadata?[Self.bindsKey] = nil
        }
        upstream.log(event: event)
    }

    /// The metadata keys of SQLKit's statement log ("Executing query").
    static let statementKey = "sql"
    static let bindsKey = "binds"
}

extension Logger {
    /// This logger as the database drivers may use it (see ``DriverLogHandler``).
    var forDatabaseDrivers: Logger {
        var logger = self
        logger.handler = DriverLogHandler(upstream: handler)
        return logger
    }
}
