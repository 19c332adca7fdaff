/// Where a rollup applies: a whole task, or a task narrowed to one dimension value.
///
/// Rollups are kept per task and per (task, one dimension = value), never for full cross products,
/// so their number grows with the number of distinct values, not with their combinations.
public struct ScopeKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var task: String
    /// Empty for the whole task; otherwise a ``Dimension`` name or a slice key.
    public var dimension: String
    public var value: String

    public init(task: String, dimension: String = "", value: String = "") {
        self.task = task
        self.dimension = dimension
        self.value = value
    }

    public var isTask: Bool { dimension.isEmpty }

    /// The whole-task scope this one narrows.
    public var taskScope: ScopeKey { ScopeKey(task: task) }

    public static func < (lhs: ScopeKey, rhs: ScopeKey) -> Bool {
        (lhs.task, lhs.dimension, lhs.value) < (rhs.task, rhs.dimension, rhs.value)
    }

    public var description: String { isTask ? task : "\(task) \(dimension)=\(value)" }
}

/// The built-in dimensions; every other dimension name is a key of the record's `slices`.
public enum Dimension {
    /// The tool's name in a `tool` scope value (`refund_api@1.8.0` → `refund_api`; a bare name stays as it is): the
    /// value is built as `name@version`, so the last `@` separates them.
    public static func toolName(_ value: String) -> String {
        value.lastIndex(of: "@").map { String(value[..<$0]) } ?? value
    }

    /// `name@version` of the model.
    public static let model = "model_version"
    /// `id@version` of the prompt template.
    public static let template = "template_version"
    public static let index = "index_version"
    /// `name@version` of each tool called.
    public static let tool = "tool"
    public static let route = "route"
    /// `true` or `false`.
    public static let tuned = "tuned"
    public static let dataset = "release.dataset"
    public static let validator = "release.validator"
    public static let evalSuite = "release.eval_suite"

    /// Dimensions whose values are component versions: a new value is a deploy, compared as a cohort.
    public static let versioned: Set<String> = [model, template, index, tool, dataset, validator, evalSuite]
    static let builtIn: Set<String> = versioned.union([route, tuned])

    /// Whether `dimension` is a traffic slice (a key of `slices`), i.e. part of the input mix.
    public static func isSlice(_ dimension: String) -> Bool { !dimension.isEmpty && !builtIn.contains(dimension) }

    /// The component a versioned dimension belongs to.
    static func component(of dimension: String) -> String {
        switch dimension {
        case model, dataset, evalSuite: return "model"
        case template, validator: return "wrapper"
        case index: return "retrieval"
        case tool: return "tools"
        default: return "traffic"
        }
    }
}
