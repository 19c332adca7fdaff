/// What the analyzer did with the records it was given: how many it rolled up (late ones among them) and how
/// many it left out, by reason. Persisted with the checkpoint, so the counts cover the store's whole history
/// since analysis state was first committed, and shown by `status`, `/metrics` and `analyze`.
public struct RecordCounts: Sendable, Equatable, Codable {
    /// Records rolled up, late ones included.
    public var analysed: Int64 = 0
    /// Of ``analysed``: records that landed in a bucket an evaluation had already read; the evaluations they
    /// affect were replayed.
    public var late: Int64 = 0
    /// Records older than the watermark minus the lateness horizon: counted, not rolled up.
    public var beyondLateness: Int64 = 0
    /// Records dated more than the clock-skew bound after the sidecar's clock: counted, not rolled up.
    public var future: Int64 = 0

    public init(analysed: Int64 = 0, late: Int64 = 0, beyondLateness: Int64 = 0, future: Int64 = 0) {
        self.analysed = analysed
        self.late = late
        self.beyondLateness = beyondLateness
        self.future = future
    }

    /// Records given to the analyzer, analysed or not.
    public var seen: Int64 { analysed + beyondLateness + future }
    /// Records not analysed.
    public var skipped: Int64 { beyondLateness + future }

    enum CodingKeys: String, CodingKey {
        case analysed, late, future
        case beyondLateness = "beyond_lateness"
    }

    /// The counts by their stored names (`analysed`, `late`, `beyond_lateness`, `future`), the names the
    /// checkpoint, the report and the metrics' `reason` label use.
    public var named: [(name: String, value: Int64)] {
        [("analysed", analysed), ("late", late), ("beyond_lateness", beyondLateness), ("future", future)]
    }

    /// The counts from their stored names; unknown names are ignored, missing ones are 0.
    public init(named values: [String: Int64]) {
        self.init(analysed: values["analysed"] ?? 0, late: values["late"] ?? 0,
                  beyondLateness: values["beyond_lateness"] ?? 0, future: values["future"] ?? 0)
    }
}
