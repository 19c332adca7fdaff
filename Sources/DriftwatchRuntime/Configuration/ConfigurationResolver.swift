import DriftwatchCore
import Foundation

/// Resolves the configuration the way every subcommand does: the `--config` file if given,
/// else `./driftwatch.yaml` if present, else the defaults; then `--db` overrides the database path.
public enum ConfigurationResolver {
    public static let defaultFileName = "driftwatch.yaml"

    /// The file `resolve` reads: `--config`, else `./driftwatch.yaml` when present, else nil.
    public static func file(configPath: String?) -> String? {
        configPath ?? (FileManager.default.fileExists(atPath: defaultFileName) ? defaultFileName : nil)
    }

    public static func resolve(configPath: String?, databasePath: String?) throws -> DriftwatchConfiguration {
        var config: DriftwatchConfiguration
        if let configPath {
            config = try ConfigurationLoader().load(path: configPath)
        } else if FileManager.default.fileExists(atPath: defaultFileName) {
            config = try ConfigurationLoader().load(path: defaultFileName)
        } else {
            config = DriftwatchConfiguration()
        }
        if let databasePath { config.databasePath = databasePath }
        return config
    }
}
