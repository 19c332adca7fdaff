import Logging
import Synchronization

/// Bootstraps swift-log once per process: logs go to stderr so stdout stays for reports, terminal-safe.
public enum LoggingBootstrapper {
    private static let done = Atomic<Bool>(false)

    public static func bootstrapOnce() {
        if done.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            LoggingSystem.bootstrap { label in TerminalSafeLogHandler(inner: StreamLogHandler.standardError(label: label)) }
        }
    }
}
