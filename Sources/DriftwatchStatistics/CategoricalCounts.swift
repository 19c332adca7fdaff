/// Reference and current counts over the union of categories seen in either window — the aligned
/// histograms every categorical drift statistic takes.
public struct CategoricalCounts<Category: Hashable>: Sendable where Category: Sendable {
    /// Categories in first-seen order (reference first, then new ones from current).
    public var categories: [Category]
    public var reference: [Int]
    public var current: [Int]

    public init(categories: [Category], reference: [Int], current: [Int]) {
        precondition(categories.count == reference.count && reference.count == current.count)
        self.categories = categories
        self.reference = reference
        self.current = current
    }

    /// Counts raw category values, as Evidently's `value_counts` over the union of keys does.
    public init(reference referenceValues: some Sequence<Category>, current currentValues: some Sequence<Category>) {
        var index: [Category: Int] = [:]
        var categories: [Category] = []
        var reference: [Int] = []
        var current: [Int] = []
        for value in referenceValues {
            if let i = index[value] {
                reference[i] += 1
            } else {
                index[value] = categories.count
                categories.append(value)
                reference.append(1)
                current.append(0)
            }
        }
        for value in currentValues {
            if let i = index[value] {
                current[i] += 1
            } else {
                index[value] = categories.count
                categories.append(value)
                reference.append(0)
                current.append(1)
            }
        }
        self.init(categories: categories, reference: reference, current: current)
    }
}
