import KeywardCore

/// One value of an MCP server's configuration, where a secret may be.
struct AgentSetting: Equatable {
    /// Where it is in the file, by the server's name: `mcpServers.github.env.GITHUB_TOKEN`.
    var context: String
    /// The name that says what the value is: a variable, a header, an option, a query parameter.
    var name: String
    /// The part of the value a secret would be: after `Bearer `, after `--api-key=`.
    var value: String
    var line: Int
}

/// MCP server configurations as the agent tools write them: Claude Desktop
/// (`claude_desktop_config.json`), Claude Code (`.mcp.json`, `.claude.json`), Cursor
/// (`.cursor/mcp.json`), VS Code (`.vscode/mcp.json`, JSON with comments, `servers`), Cline,
/// Windsurf. Every server's `env`, `headers`, `args` and `url` are read with their names, so a
/// secret is reported with the server it unlocks, and a value no provider rule knows is still
/// reported when its name says secret.
enum MCPConfig {
    static let fileNames: Set<String> = [
        ".mcp.json", "mcp.json", "claude_desktop_config.json", ".claude.json", "cline_mcp_settings.json", "mcp_config.json", "mcp_settings.json",
    ]
    /// The members that hold servers by name (`servers` is VS Code's).
    static let serverMembers: Set<String> = ["mcpServers", "servers", "mcp_servers"]
    /// Larger files are scanned as text only.
    static let maximumBytes = 4 << 20

    /// Whether the file (or archive entry) at `path` is an MCP configuration, by its name.
    static func applies(to path: String) -> Bool {
        let start = path.lastIndex(where: { $0 == "/" || $0 == "!" }).map(path.index(after:)) ?? path.startIndex
        let name = path[start...]
        return fileNames.contains { $0 == name }
    }

    /// The settings of every server in the document; none when it is not (lenient) JSON.
    static func settings(in bytes: [UInt8]) -> [AgentSetting] {
        guard let document = try? StrictJSONParser.parse(JSONWithComments.stripped(bytes)) else { return [] }
        var found: [AgentSetting] = []
        collect(document, path: "", depth: 0, into: &found)
        return found
    }

    private static func collect(_ value: LocatedJSON, path: String, depth: Int, into found: inout [AgentSetting]) {
        guard depth < 8, let members = value.object else { return }
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            let memberPath = path.isEmpty ? key : path + "." + key
            if serverMembers.contains(key), let servers = member.object {
                for (name, server) in servers.sorted(by: { $0.key < $1.key }) where server.object != nil {
                    settings(ofServer: server, path: memberPath + "." + name, into: &found)
                }
            } else {
                collect(member, path: memberPath, depth: depth + 1, into: &found)
            }
        }
    }

    private static func settings(ofServer server: LocatedJSON, path: String, into found: inout [AgentSetting]) {
        for member in ["env", "headers"] {
            for (name, value) in (server[member]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value.value else { continue }
                found.append(AgentSetting(context: "\(path).\(member).\(name)", name: name, value: withoutAuthScheme(text), line: value.line))
            }
        }
        let args = server["args"]?.array ?? []
        for (index, argument) in args.enumerated() {
            guard case .string(let text) = argument.value else { continue }
            let context = "\(path).args[\(index)]"
            if let equals = text.firstIndex(of: "=") {
                // `--api-key=…`, and `NAME=…` after docker's `-e`.
                let name = String(text[..<equals])
                found.append(AgentSetting(context: context, name: name, value: String(text[text.index(after: equals)...]), line: argument.line))
            } else if text.hasPrefix("-"), SecretName.saysSecret(text), index + 1 < args.count,
                      case .string(let next) = args[index + 1].value, !next.hasPrefix("-") {
                found.append(AgentSetting(context: "\(path).args[\(index + 1)]", name: text, value: next, line: args[index + 1].line))
            }
        }
        if let url = server["url"], case .string(let text) = url.value, let query = text.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                found.append(AgentSetting(context: "\(path).url", name: String(parts[0]), value: String(parts[1]), line: url.line))
            }
        }
    }

    /// `Bearer abc` → `abc`: the scheme word of an `Authorization` header is not secret.
    static func withoutAuthScheme(_ value: String) -> String {
        for scheme in ["Bearer ", "bearer ", "Basic ", "basic ", "Token ", "token "] where value.hasPrefix(scheme) {
            return String(value.dropFirst(scheme.count)).trimmingPrefix(while: { $0 == " " })
        }
        return value
    }

    /// Values that stand for a secret instead of being one: `${input:github_token}`, `$TOKEN`,
    /// `%TOKEN%`, `<your token>`, `{{ token }}`, `your-api-key-here`, `xxx`, `***`, the name itself.
    static func isPlaceholder(_ value: String, name: String) -> Bool {
        guard let first = value.first else { return true }
        if "$%<{[".contains(first) { return true }
        let lower = value.lowercased()
        for marker in ["your", "xxx", "***", "...", "here", "todo", "replace", "placeholder", "dummy", "sample", "<", ">", "${"] where lower.contains(marker) {
            return true
        }
        if lower == name.lowercased() { return true }
        if Set(value).count == 1 { return true }
        return Array(value.utf8).withUnsafeBytes { PlaceholderFilter.containsMarker($0) }
    }

    /// A value that no rule recognised, under a name that says secret, is reported when it reads
    /// like a credential: long enough, one word, not a path or address, not just digits, and not
    /// as predictable as prose.
    static func looksLikeSecret(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard (8...1024).contains(bytes.count) else { return false }
        if bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return false }
        if value.contains("://") || value.hasPrefix("/") || value.hasPrefix("./") || value.hasPrefix("~") { return false }
        if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return false }
        return Entropy.shannon(bytes) >= 3.0
    }
}

private extension String {
    func trimmingPrefix(while predicate: (Character) -> Bool) -> String {
        String(drop(while: predicate))
    }
}
