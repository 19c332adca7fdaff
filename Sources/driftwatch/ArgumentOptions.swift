import ArgumentParser

/// `analyze --status`: a closed set, so the parser rejects `--status closed` and lists the valid values.
enum IncidentStatusOption: String, ExpressibleByArgument, CaseIterable {
    case open, resolved
}

/// `--log-level`: swift-log's levels.
enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
