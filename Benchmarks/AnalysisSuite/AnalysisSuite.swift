import Foundation
import DriftwatchAnalysis

/// `analysis-suite`: the measuring instrument for issue #12. Runs every case of the chosen groups × seeds through
/// the analyzer in memory and prints the results (see `SuiteOptions.usage`). Build it in release; a debug build
/// is an order of magnitude slower on the month-long quiet runs.
@main
struct AnalysisSuite {
    static func main() {
        let options: SuiteOptions
        do {
            options = try SuiteOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("analysis-suite: \(error.message)\n".utf8))
            exit(2)
        }
        if options.help {
            print(SuiteOptions.usage)
            return
        }
        let progress = isatty(STDERR_FILENO) != 0
        var results: [CaseResult] = []
        var incidentLines: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for suiteCase in SuiteCatalog.cases(groups: options.groups, quietDays: options.quietDays) {
            let seeds = suiteCase.group == "quiet" ? options.quietSeeds ?? options.seeds : options.seeds
            for seed in seeds {
                if progress {
                    FileHandle.standardError.write(Data("\(suiteCase.group)/\(suiteCase.name) seed \(seed)…".utf8))
                }
                do {
                    let result = try CaseRunner.run(suiteCase, seed: seed) { incident in
                        guard options.incidentsPath != nil, let data = try? encoder.encode(incident),
                              let text = String(data: data, encoding: .utf8) else { return }
                        incidentLines.append("{\"case\":\"\(suiteCase.group)/\(suiteCase.name)\",\"seed\":\(seed),\"incident\":\(text)}")
                    }
                    results.append(result)
                    if progress {
                        let verdict = result.detected.map { $0 ? "detected" : "missed" } ?? "quiet"
                        FileHandle.standardError.write(Data(" \(verdict), \(result.falseAlarms) false alarms, \(format(result.seconds, 1)) s\n".utf8))
                    }
                } catch {
                    FileHandle.standardError.write(Data("\nanalysis-suite: \(error.message)\n".utf8))
                    exit(1)
                }
            }
        }
        let summary = SuiteSummary(results)
        let document = SuiteReport.Document(
            groups: options.groups, seeds: options.seeds, quietSeeds: options.quietSeeds ?? options.seeds,
            quietDays: options.quietDays, results: results, summary: summary)
        let json: String
        do { json = try SuiteReport.json(document) } catch {
            FileHandle.standardError.write(Data("analysis-suite: could not encode the results as JSON: \(error)\n".utf8))
            exit(1)
        }
        if let path = options.jsonPath {
            guard FileManager.default.createFile(atPath: path, contents: Data(json.utf8)) else {
                FileHandle.standardError.write(Data("analysis-suite: could not write the JSON results to \(path)\n".utf8))
                exit(1)
            }
        }
        if let path = options.incidentsPath {
            let text = incidentLines.map { $0 + "\n" }.joined()
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                FileHandle.standardError.write(Data("analysis-suite: could not write the incidents to \(path)\n".utf8))
                exit(1)
            }
        }
        switch options.format {
        case .markdown: print(SuiteReport.markdown(results, summary: summary))
        case .json: print(json)
        }
    }
}
