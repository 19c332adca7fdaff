import ArgumentParser
import DriftwatchAlerts
import DriftwatchCore
import DriftwatchRuntime
import DriftwatchStore
import Foundation
import ServiceLifecycle
import UnixSignals

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Check alert rules, test receivers, manage silences and the notification outbox.",
        subcommands: [Check.self, Test.self, Silence.self, Outbox.self, Dispatch.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the rule files (exit 1 if any rule is broken).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let report = AlertsAdmin(configuration: try options.resolve()).check()
            print(try report.render(output.format))
            if !report.ok { throw ExitCode(1) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a sample notification to one receiver.")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "Receiver name from alerts.receivers.") var receiver: String

        func run() async throws {
            let config = try options.resolve()
            let logger = options.makeLogger()
            let store = try SQLiteStore(path: config.databasePath, access: .existing, logger: logger)
            let (row, outcome) = try await AlertsAdmin(configuration: config).test(receiver: receiver, store: store, logger: logger)
            switch outcome {
            case .delivered: print("delivered test notification \(row.id) to \(receiver)")
            case .retryable(let reason, _), .permanent(let reason):
                print("test notification \(row.id) to \(receiver) failed: \(TerminalText.safe(reason))")
                throw ExitCode(1)
            }
        }
    }

    struct Silence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add, list or expire silences.", subcommands: [Add.self, List.self, Expire.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Silence alerts matching every matcher, e.g. task=\"refund\" severity=~\"page|warning\".")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Matchers: name=value, name!=value, name=~regex, name!~regex.") var matchers: [String]
            @Option(name: .long, help: "How long, e.g. 2h.") var duration: String = "2h"
            @Option(name: .long) var author: String = ProcessInfo.processInfo.environment["USER"] ?? "driftwatch"
            @Option(name: .long) var comment: String = ""

            func run() async throws {
                let config = try options.resolve()
                guard let length = DurationText.parse(duration), length > .zero else { throw ValidationError("--duration: expected e.g. 30m or 2h") }
                let store = try SQLiteStore(path: config.databasePath, access: .existing, logger: options.makeLogger())
                let silence = try AlertsAdmin(configuration: config).addSilence(store: store, matchers: matchers, duration: length,
                                                                               createdBy: author, comment: comment)
                print(silence.id)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List silences.")
            @OptionGroup var options: GlobalOptions
            @OptionGroup var output: FormatOption

            func run() async throws {
                let config = try options.resolve()
                let store = try SQLiteStore(path: config.databasePath, access: .readOnly, logger: options.makeLogger())
                print(try AlertsAdmin(configuration: config).listSilences(store: store).render(output.format))
            }
        }

        struct Expire: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "End a silence now.")
            @OptionGroup var options: GlobalOptions
            @Argument var id: String

            func run() async throws {
                let config = try options.resolve()
                let store = try SQLiteStore(path: config.databasePath, access: .existing, logger: options.makeLogger())
                guard try store.expireSilence(id: id, at: WallClock.nowMicros()) else {
                    print("no active silence \(id)")
                    throw ExitCode(1)
                }
                print("expired \(id)")
            }
        }
    }

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List undeliverable and pending notifications; --retry queues undeliverable ones again.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var output: FormatOption
        @Flag(name: .long, help: "Queue undeliverable notifications again (all, or those given by --id).") var retry = false
        @Option(name: .long, help: "Only this notification (repeatable).") var id: [String] = []
        @Flag(name: .long, help: "Also list delivered notifications.") var all = false

        func run() async throws {
            let config = try options.resolve()
            // Listing only reads; --retry changes the outbox of an existing store.
            let store = try SQLiteStore(path: config.databasePath, access: retry ? .existing : .readOnly, logger: options.makeLogger())
            print(try AlertsAdmin(configuration: config).outbox(store: store, all: all, retry: retry, ids: id).render(output.format))
        }
    }

    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run only the alert dispatcher (evaluate rules, send notifications) until SIGTERM.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let config = try options.resolve()
            let logger = options.makeLogger()
            let store = try SQLiteStore(path: config.databasePath, access: .existing, logger: logger)
            let service = AlertDispatcherService(store: store, configuration: config, clock: ContinuousClock(), logger: logger)
            try await ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
        }
    }
}
