/// Everything wrong with a configuration, each problem naming the setting and where its value
/// came from, so that a person can go straight to the line to fix.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The setting, or nil for a problem of the file itself (unreadable, not YAML).
        public var setting: String?
        public var origin: ConfigurationOrigin?
        public var message: String

        public init(setting: String?, origin: ConfigurationOrigin?, message: String) {
            self.setting = setting
            self.origin = origin
            self.message = message
        }

        /// `file keyward.yaml:3: port must be an integer from 0 to 65535, got "80a"`.
        public var description: String {
            var text = ""
            if let origin { text += "\(origin): " }
            if let setting { text += "\(setting) " }
            return text + message
        }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) { self.problems = problems }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
