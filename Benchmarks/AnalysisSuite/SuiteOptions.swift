/// The runner's command line: which groups, which seeds, how long the quiet runs are, and the output format.
struct SuiteOptions: Sendable {
    enum Format: String, Sendable { case markdown, json }

    var groups = SuiteCatalog.groupNames
    var seeds: [UInt64] = [1, 2, 3]
    /// Seeds of the `quiet` group when `--quiet-seeds` is given; otherwise ``seeds``.
    var quietSeeds: [UInt64]?
    var quietDays = 30
    var format = Format.markdown
    /// Also write the JSON document here, so one run gives both the table and the machine-readable results.
    var jsonPath: String?
    /// Write every opened incident (with its case and seed) here as JSON Lines: what to read when a row surprises.
    var incidentsPath: String?
    var help = false

    static let usage = """
        usage: analysis-suite [--cases GROUP,...] [--seeds 1,2,3] [--quiet-seeds 1,2] [--days N] [--quick] [--format markdown|json] [--json FILE] [--incidents FILE]

        Runs the demo generator straight into the analyzer for every case of the chosen groups × seeds and prints
        a results table (markdown, or JSON with --format json).
          --cases        groups to run: \(SuiteCatalog.groupNames.joined(separator: ", ")) (default: all)
          --seeds        seeds for every case (default 1,2,3)
          --quiet-seeds  seeds for the quiet group only (default: --seeds)
          --days         length of the quiet group's runs in days (default 30)
          --quick        a smoke check: quiet runs of 3 days, seed 1 only unless --seeds is given
          --format       markdown (default) or json, on stdout
          --json         also write the JSON document to FILE
          --incidents    write every opened incident, as first opened, to FILE (JSON Lines with case and seed)
        """

    static func parse(_ arguments: [String]) throws(SuiteError) -> SuiteOptions {
        var options = SuiteOptions()
        var seedsGiven = false
        var quick = false
        var i = 0
        func value(_ name: String) throws(SuiteError) -> String {
            i += 1
            guard i < arguments.count else { throw SuiteError(.invalidOption, "\(name) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            let argument = arguments[i]
            switch argument {
            case "--cases":
                let names = try value(argument).split(separator: ",").map(String.init)
                for name in names where !SuiteCatalog.groupNames.contains(name) {
                    throw SuiteError(.invalidOption, "unknown case group \"\(name)\"; expected one of \(SuiteCatalog.groupNames.joined(separator: ", "))")
                }
                options.groups = SuiteCatalog.groupNames.filter(names.contains)
            case "--seeds":
                options.seeds = try seedList(try value(argument), option: argument)
                seedsGiven = true
            case "--quiet-seeds":
                options.quietSeeds = try seedList(try value(argument), option: argument)
            case "--days":
                let text = try value(argument)
                guard let days = Int(text), days >= 2 else {
                    throw SuiteError(.invalidOption, "--days must be a whole number of days, at least 2 (a day of baseline and a day to watch); got \"\(text)\"")
                }
                options.quietDays = days
            case "--quick":
                quick = true
            case "--format":
                let text = try value(argument)
                guard let format = Format(rawValue: text) else {
                    throw SuiteError(.invalidOption, "--format must be markdown or json; got \"\(text)\"")
                }
                options.format = format
            case "--json":
                options.jsonPath = try value(argument)
            case "--incidents":
                options.incidentsPath = try value(argument)
            case "-h", "--help":
                options.help = true
            default:
                throw SuiteError(.invalidOption, "unknown option \"\(argument)\"\n\(usage)")
            }
            i += 1
        }
        if quick {
            options.quietDays = min(options.quietDays, 3)
            if !seedsGiven { options.seeds = [1] }
        }
        return options
    }

    private static func seedList(_ text: String, option: String) throws(SuiteError) -> [UInt64] {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",") {
            guard let seed = UInt64(part) else {
                throw SuiteError(.invalidOption, "\(option) takes comma-separated whole numbers, e.g. 1,2,3; got \"\(text)\"")
            }
            seeds.append(seed)
        }
        guard !seeds.isEmpty else { throw SuiteError(.invalidOption, "\(option) needs at least one seed") }
        return seeds
    }
}
