import DriftwatchCore
@testable import DriftwatchDashboards
import Foundation
import Testing

@Suite struct DefinitionLoaderTests {
    /// The repository's `Dashboards/` directory.
    static let shippedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Dashboards").path

    @Test func shippedDefinitionsLoadAndMatchTheCompiledInCopies() throws {
        let loader = DashboardDefinitionLoader()
        let fromFiles = try loader.loadDirectory(Self.shippedDirectory)
        #expect(fromFiles == loader.defaults())
        #expect(fromFiles.map(\.id) == ["overview", "incidents", "versions", "retrieval", "tools", "drift", "slices"])
        for file in DefaultDashboards.files {
            let text = try String(contentsOfFile: Self.shippedDirectory + "/\(file.id).yaml", encoding: .utf8)
            #expect(text == file.yaml + "\n", "Dashboards/\(file.id).yaml differs from DefaultDashboards.swift")
        }
        let overview = fromFiles[0]
        #expect(overview.rangeMicros == nil, "shipped pages take dashboards.range")
        #expect(overview.panels.map(\.metric).contains(.latencyP95))
        #expect(overview.panels[0].markers == ["model_version", "template_version", "index_version", "tool"])
    }

    @Test(arguments: [
        ("title: T\nrange: 1d\npanels:\n  - title: A\n    type: timeseries\n    metric: requests\n    colour: red\n", "line 7", "panels[0].colour", "is not a known setting"),
        ("title: T\nrange: 1d\npanels:\n  - title: A\n    type: timeseries\n    metric: latency_p96\n", "line 6", "panels[0].metric", "latency_p95"),
        ("title: T\nrange: 1d\npanels:\n  - title: A\n    type: pie\n", "line 5", "panels[0].type", "timeseries, table"),
        ("title: T\nrange: soon\npanels: []\n", "line 2", "range", "duration"),
        ("title: T\nrange: 1d\npanels:\n  - title: A\n    type: table\n", "line 4", "panels[0].metrics", "is required"),
        ("title: T\nrange: 1d\nfilters:\n  tasks: [a]\npanels:\n  - title: A\n    type: incidents\n", "line 4", "filters.tasks", "expected one of: task, values"),
    ])
    func errorsNameFileLineAndKey(yaml: String, line: String, key: String, expectation: String) {
        do {
            _ = try DashboardDefinitionLoader().load(yaml: yaml, id: "bad", file: "Dashboards/bad.yaml")
            Issue.record("expected an error")
        } catch let error as DriftwatchError {
            #expect(error.code == .invalidConfig)
            #expect(error.message.hasPrefix("Dashboards/bad.yaml"))
            #expect(error.message.contains(line), "\(error.message)")
            #expect(error.message.contains("\"\(key)\""), "\(error.message)")
            #expect(error.message.contains(expectation), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rangeIsOptionalAndThenTheRenderersOwn() throws {
        let d = try DashboardDefinitionLoader().load(yaml: "title: T\npanels: [{title: A, type: incidents}]\n", id: "t", file: "t.yaml")
        #expect(d.rangeMicros == nil)
    }

    @Test func rejectsPageIDsThatAreNotPlainFileNames() {
        #expect(throws: DriftwatchError.self) {
            _ = try DashboardDefinitionLoader().load(yaml: "title: T\nrange: 1d\npanels: [{title: A, type: incidents}]\n", id: "../x", file: "x")
        }
    }

    @Test func loadsFiltersAndDefaults() throws {
        let d = try DashboardDefinitionLoader().load(yaml: """
            title: Mine
            range: 36h
            resolution: 2h
            filters:
              task: [refund_question, order_status]
              values: {language: de}
            panels:
              - {title: Heat, type: heatmap, dimension: language}
              - {title: V, type: versions}
            """, id: "mine", file: "mine.yaml")
        #expect(d.rangeMicros == Int64(36) * 3_600_000_000)
        #expect(d.resolutionMicros == Optional(Int64(7_200_000_000)))
        #expect(d.filters.tasks == ["refund_question", "order_status"])
        #expect(d.filters.values == ["language": ["de"]])
        #expect(d.panels[0].metric == .successRate)
        #expect(d.panels[1].dimension == "model_version")
    }
}
