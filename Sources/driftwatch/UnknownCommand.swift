import ArgumentParser
import DriftwatchRuntime

/// Spots a mistyped subcommand before the parser does, to suggest the closest one (the parser only says
/// "unexpected argument").
enum UnknownCommand {
    /// The error to print for `arguments` (without the program name), or nil to let the parser handle them.
    static func message(arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path: [String] = []
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            if let next = subcommands.first(where: { $0._commandName == argument }) {
                command = next
                path.append(argument)
                continue
            }
            guard let suggestion = CommandSuggestion.suggest(argument, among: subcommands.map { $0._commandName }) else { return nil }
            let prefix = path.map { $0 + " " }.joined()
            return "error: unknown command '\(prefix)\(argument)'; did you mean '\(prefix)\(suggestion)'?\n"
                + "See 'driftwatch \(prefix)--help'."
        }
        return nil
    }
}
