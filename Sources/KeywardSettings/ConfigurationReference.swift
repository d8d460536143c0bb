import KeywardCore

/// docs/configuration.md, written from the settings table. A test compares the file with this
/// text, so the page cannot drift from the code; `keyward config reference > docs/configuration.md`
/// writes it anew after a row changes.
public enum ConfigurationReference {
    public static func markdown() -> String {
        var text = """
            # Configuration

            <!-- Generated from KeywardConfiguration.settings by `keyward config reference`; do not edit by hand. -->

            Every setting can be given three ways, and the first found wins:

            1. a flag: `keyward serve --port 9000`;
            2. an environment variable: `KEYWARD_PORT=9000`;
            3. the YAML configuration file named by `--config FILE` or `KEYWARD_CONFIG`: `port: 9000`
               (dotted names are nested mappings: `anomalies:` then `  spike_factor: 5`);

            and otherwise the default applies. `keyward config show [--json]` prints the effective value
            of every setting and where it came from; `keyward config check FILE` checks a file without
            starting anything. A bad value, an unknown file key or an unknown `KEYWARD_…` variable is an
            error that names the setting and its origin (file and line for the file), with the closest
            known name when it looks like a typo. An empty variable counts as unset.

            Variables that are not settings: `KEYWARD_ADDR` and `KEYWARD_TOKEN` (the server and credential
            of client commands) and `KEYWARD_CONFIG`. Names starting with `KEYWARD_TEST_`, `KEYWARD_CI_`
            and `KEYWARD_BENCH_` belong to the project's tests and scripts and are ignored.

            Secrets are never printed: `config show` says `<redacted>`, and a database URL is shown
            without its password. Prefer `leak_report_secret_file` to `leak_report_secret`: a flag is
            visible to every user of the machine.

            | setting | flag | variable | values | default |
            |---|---|---|---|---|

            """
        let defaults = KeywardConfiguration()
        for setting in KeywardConfiguration.settings {
            let value = setting.value(in: defaults)
            let shown = value == .null ? "(none)" : "`\(render(value))`"
            text += "| `\(setting.name)` | `\(setting.flag)` | `\(setting.variable)` | \(setting.kind.summary) | \(shown) |\n"
        }
        text += "\n## Settings\n"
        for setting in KeywardConfiguration.settings {
            text += "\n### `\(setting.name)`\n\n\(setting.help)\n"
        }
        return text
    }

    /// A value as `config show` prints it: text bare, lists comma-separated, numbers without a
    /// needless `.0`.
    public static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "on" : "off"
        case .number(let number): return Setting.Kind.format(number)
        case .string(let string): return string
        case .array(let items): return items.map(render).joined(separator: ",")
        case .object: return "{…}"
        }
    }
}
