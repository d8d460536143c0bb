import ArgumentParser
import Foundation
import KeywardSettings

/// The command tree as a person types it: the names on each level, the path to a command, and
/// the usage error for a word that is not a command.
enum CommandTree {
    struct Unknown {
        var message: String
        /// The command whose subcommand was misspelt.
        var parent: ParsableCommand.Type
    }

    /// The first word of `arguments` that should name a subcommand and does not, with the
    /// nearest name on that level. Words after the first option are not looked at: from there
    /// on they are values and arguments.
    static func unknownCommand(in arguments: [String], root: ParsableCommand.Type) -> Unknown? {
        var command = root
        for word in arguments {
            if word.hasPrefix("-") { return nil }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil else { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
                command = next
                continue
            }
            if word == "help" { return nil }
            let known = subcommands.map { $0._commandName }
            var message = "unknown command '\(word)' for '\(path(to: command))'"
            if let nearest = Suggestion.closest(to: word, among: known) {
                message += "; did you mean \(nearest)?"
            } else {
                message += "; commands: \(known.joined(separator: ", "))"
            }
            return Unknown(message: message, parent: command)
        }
        return nil
    }

    static func names(of command: ParsableCommand.Type) -> [String] {
        [command._commandName] + command.configuration.aliases
    }

    /// `keyward keys create` for ``Keys/Create``.
    static func path(to target: ParsableCommand.Type) -> String {
        func search(_ command: ParsableCommand.Type, _ trail: [String]) -> [String]? {
            let here = trail + [command._commandName]
            if ObjectIdentifier(command) == ObjectIdentifier(target) { return here }
            for sub in command.configuration.subcommands {
                if let found = search(sub, here) { return found }
            }
            return nil
        }
        return (search(Keyward.self, []) ?? [target._commandName]).joined(separator: " ")
    }

    /// Prints a usage error the way argument-parser prints its own, naming `command`'s usage and
    /// help, and exits 64 (EX_USAGE).
    static func fail(_ message: String, command: ParsableCommand.Type) -> Never {
        let usage = Keyward.usageString(for: command)
        FileHandle.standardError.write(Data("Error: \(message)\nUsage: \(usage)\n  See '\(path(to: command)) --help' for more information.\n".utf8))
        exit(64)
    }
}
