/// Which attributes feed the record fields that no semantic convention defines (request id,
/// task, route, release unit, slices). Every list is tried in order; the first attribute present wins.
public struct OTLPMappingConfiguration: Sendable, Equatable {
    /// Attributes holding the request id; when none is present the trace id (hex) is used.
    public var requestIDAttributes: [String]
    public var taskAttributes: [String]
    /// Use the root span's name as the task when no task attribute is present.
    public var taskFromRootSpanName: Bool
    public var routeAttributes: [String]
    /// Looked up in the resource first (`service.name`), then on spans.
    public var serviceAttributes: [String]
    public var modelVersionAttributes: [String]
    public var datasetAttributes: [String]
    public var validatorAttributes: [String]
    public var evalSuiteAttributes: [String]
    public var indexVersionAttributes: [String]
    public var outcomeAttributes: [String]
    /// Every attribute whose key starts with one of these becomes a slice named by the rest of the key.
    public var slicePrefixes: [String]
    /// These attributes become slices under their full name.
    public var sliceAttributes: [String]
    /// Evaluations with one of these names become the record's feedback instead of a validation check.
    public var feedbackEvaluationNames: [String]
    /// An evaluation with a score but no recognised label passes when the score is at least this.
    public var evaluationPassThreshold: Double

    public init(
        requestIDAttributes: [String] = ["driftwatch.request_id"],
        taskAttributes: [String] = ["driftwatch.task", "traceloop.workflow.name"],
        taskFromRootSpanName: Bool = true,
        routeAttributes: [String] = ["driftwatch.route"],
        serviceAttributes: [String] = ["service.name"],
        modelVersionAttributes: [String] = ["driftwatch.model.version"],
        datasetAttributes: [String] = ["driftwatch.release.dataset"],
        validatorAttributes: [String] = ["driftwatch.release.validator"],
        evalSuiteAttributes: [String] = ["driftwatch.release.eval_suite"],
        indexVersionAttributes: [String] = ["driftwatch.retrieval.index_version", "retrieval.index_version"],
        outcomeAttributes: [String] = ["driftwatch.outcome"],
        slicePrefixes: [String] = ["driftwatch.slice.", "traceloop.association.properties."],
        sliceAttributes: [String] = [],
        feedbackEvaluationNames: [String] = ["user_feedback", "feedback", "human_feedback"],
        evaluationPassThreshold: Double = 0.5
    ) {
        self.requestIDAttributes = requestIDAttributes
        self.taskAttributes = taskAttributes
        self.taskFromRootSpanName = taskFromRootSpanName
        self.routeAttributes = routeAttributes
        self.serviceAttributes = serviceAttributes
        self.modelVersionAttributes = modelVersionAttributes
        self.datasetAttributes = datasetAttributes
        self.validatorAttributes = validatorAttributes
        self.evalSuiteAttributes = evalSuiteAttributes
        self.indexVersionAttributes = indexVersionAttributes
        self.outcomeAttributes = outcomeAttributes
        self.slicePrefixes = slicePrefixes
        self.sliceAttributes = sliceAttributes
        self.feedbackEvaluationNames = feedbackEvaluationNames
        self.evaluationPassThreshold = evaluationPassThreshold
    }
}
