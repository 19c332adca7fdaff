/// The Okabe–Ito palette: eight colours distinguishable with the common forms of colour blindness.
/// Series take them in order; black is kept for axes and deploy markers.
public enum Palette {
    public static let okabeIto = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
    /// Colours for data series (black excluded).
    public static let series = Array(okabeIto.prefix(7))

    public static func color(_ index: Int) -> String { series[index % series.count] }

    /// A sequential blue ramp for heatmaps, light (low success) to dark (high), readable in grey scale too.
    public static func heat(_ fraction: Double) -> String {
        let f = min(1, max(0, fraction.isFinite ? fraction : 0))
        // From #F7FBFF to #08306B (the ColorBrewer Blues end points).
        let a = (247.0, 251.0, 255.0), b = (8.0, 48.0, 107.0)
        func c(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return "rgb(\(c(a.0, b.0)),\(c(a.1, b.1)),\(c(a.2, b.2)))"
    }

    /// Whether text on `heat(fraction)` should be white for contrast.
    public static func heatNeedsLightText(_ fraction: Double) -> Bool { fraction > 0.55 }
}
