import DriftwatchAnalysis

extension AnalysisReport {
    /// Recommendation details that hold numbers. The analyzer keeps every detail as text (`"failure_rate": "0.1593"`);
    /// the JSON report writes these as numbers (an undefined one, `nan`, as null) and every other detail as a string,
    /// so a version such as `"2.3"` stays a string (docs/json.md).
    public static let numericDetails: Set<String> = [
        "failure_rate", "tool_problem_rate_change", "missing_required_calls", "mix_term", "rate_term",
        "share_before", "share_after", "slice_success_rate",
    ]

    /// The JSON document: the report with each incident's numeric details as numbers.
    struct JSONDocument: Encodable {
        var report: AnalysisReport

        enum CodingKeys: String, CodingKey {
            case incidents, records
            case generatedAt = "generated_at"
            case analyzedThrough = "analyzed_through"
            case lastRowID = "last_row_id"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(report.generatedAt, forKey: .generatedAt)
            try c.encode(report.analyzedThrough, forKey: .analyzedThrough)
            try c.encode(report.lastRowID, forKey: .lastRowID)
            try c.encode(report.records, forKey: .records)
            try c.encode(report.incidents.map(JSONIncident.init), forKey: .incidents)
        }
    }

    struct JSONIncident: Encodable {
        var incident: Incident

        enum CodingKeys: String, CodingKey {
            case recommendation
            case primaryDimension = "primary_dimension"
            case primaryValue = "primary_value"
        }

        /// The incident as it is stored, then what the report writes differently (the report encoder keeps the last
        /// value written for a key): the recommendation with typed details, and the primary scope as null for a
        /// whole-task incident (stored as "").
        func encode(to encoder: any Encoder) throws {
            try incident.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(JSONRecommendation(incident.recommendation), forKey: .recommendation)
            try c.encode(incident.primaryDimension.isEmpty ? nil : incident.primaryDimension, forKey: .primaryDimension)
            try c.encode(incident.primaryValue.isEmpty ? nil : incident.primaryValue, forKey: .primaryValue)
        }
    }

    struct JSONRecommendation: Encodable {
        var action: String
        var summary: String
        var details: [String: Detail]

        init(_ r: Incident.Recommendation) {
            action = r.action
            summary = r.summary
            details = Dictionary(uniqueKeysWithValues: r.details.map { key, value in
                guard AnalysisReport.numericDetails.contains(key) else { return (key, Detail.text(value)) }
                return (key, Detail.number(Double(value).flatMap { $0.isFinite ? $0 : nil }))
            })
        }
    }

    enum Detail: Encodable {
        case text(String)
        case number(Double?)

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .text(let s): try c.encode(s)
            case .number(let x?): try c.encode(x)
            case .number(nil): try c.encodeNil()
            }
        }
    }
}
