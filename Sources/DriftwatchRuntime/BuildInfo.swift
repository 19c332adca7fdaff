import CBuildInfo

/// What this binary is: `driftwatch --version` and the `driftwatch_build_info` series on /metrics.
public enum BuildInfo {
    /// Bumped by hand at a release.
    public static let version = "0.1.0"
    /// The git commit the build was made from (`DRIFTWATCH_COMMIT` at build time; "unknown" when not given).
    public static let commit = String(cString: driftwatch_build_commit())
    /// `driftwatch 0.1.0 (commit 62422b8)`.
    public static var versionLine: String { "driftwatch \(version) (commit \(commit))" }
}
