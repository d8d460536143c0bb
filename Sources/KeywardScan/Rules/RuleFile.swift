import Foundation

/// The rules file: rules and an allow-list. The bundled file and users' `--rules` files share it.
public struct RuleFile: Codable, Sendable, Equatable {
    public var version: Int?
    /// In a user file: false replaces the bundled rules instead of adding to them (default true).
    public var extendsDefault: Bool?
    public var allowlist: AllowlistDefinition?
    public var rules: [RuleDefinition]

    public init(rules: [RuleDefinition], allowlist: AllowlistDefinition? = nil, extendsDefault: Bool? = nil) {
        self.version = 1
        self.rules = rules
        self.allowlist = allowlist
        self.extendsDefault = extendsDefault
    }

    public static func decode(_ data: Data, source: String) throws -> RuleFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            try RuleFileKeys.check(data)
            return try decoder.decode(RuleFile.self, from: data)
        } catch let error as RuleError {
            throw RuleError.invalid("\(source): \(error)")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw RuleError.invalid("\(source): invalid value at \(RuleFileKeys.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw RuleError.invalid("\(source): not valid JSON (\(context.debugDescription))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw RuleError.invalid("\(source): missing \"\(key.stringValue)\" at \(RuleFileKeys.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw RuleError.invalid("\(source): wrong type at \(RuleFileKeys.path(context.codingPath)): \(context.debugDescription)")
        }
    }

    public static func load(path: String) throws -> RuleFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuleError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try decode(data, source: path)
    }

    /// The rules shipped with keyward (`Resources/rules.json`).
    public static func bundled() throws -> RuleFile {
        try decode(try BundledResources.rulesData(), source: "bundled rules")
    }
}

/// What a rules file may allow: findings in these paths, of these rules, with these
/// fingerprints, or whose secret matches one of these expressions or words.
public struct AllowlistDefinition: Codable, Sendable, Equatable {
    /// Regular expressions matched against the path (forward slashes, relative as scanned).
    public var paths: [String]?
    /// Exact file names (the last path component), checked without a regex.
    public var fileNames: [String]?
    public var rules: [String]?
    public var fingerprints: [String]?
    /// Regular expressions matched against the secret.
    public var regexes: [String]?
    /// Secrets containing one of these words (case-insensitive) are not reported.
    public var stopwords: [String]?

    public init(paths: [String]? = nil, fileNames: [String]? = nil, rules: [String]? = nil, fingerprints: [String]? = nil, regexes: [String]? = nil, stopwords: [String]? = nil) {
        self.paths = paths
        self.fileNames = fileNames
        self.rules = rules
        self.fingerprints = fingerprints
        self.regexes = regexes
        self.stopwords = stopwords
    }

    mutating func merge(_ other: AllowlistDefinition) {
        func join(_ a: [String]?, _ b: [String]?) -> [String]? {
            a == nil && b == nil ? nil : (a ?? []) + (b ?? [])
        }
        paths = join(paths, other.paths)
        fileNames = join(fileNames, other.fileNames)
        rules = join(rules, other.rules)
        fingerprints = join(fingerprints, other.fingerprints)
        regexes = join(regexes, other.regexes)
        stopwords = join(stopwords, other.stopwords)
    }
}
