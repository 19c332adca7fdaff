import Foundation

/// Prometheus-style durations: `0`, `250ms`, `30s`, `5m`, `4h`, `1d`, and sums such as `1h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "0" { return .zero }
        var total: Duration = .zero
        var number = ""
        var unit = ""
        var parsedAny = false
        func flush() -> Bool {
            guard let value = Double(number), value >= 0 else { return false }
            let millis: Double
            switch unit {
            case "ms": millis = value
            case "s": millis = value * 1000
            case "m": millis = value * 60_000
            case "h": millis = value * 3_600_000
            case "d": millis = value * 86_400_000
            default: return false
            }
            total += .microseconds(Int64(millis * 1000))
            number = ""
            unit = ""
            parsedAny = true
            return true
        }
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        if !number.isEmpty || !unit.isEmpty { guard flush() else { return nil } }
        return parsedAny ? total : nil
    }

    /// `1h30m`, `5m`, `30s`, `250ms`.
    public static func format(_ duration: Duration) -> String {
        let millis = duration.milliseconds
        if millis == 0 { return "0s" }
        if millis % 1000 != 0 { return "\(millis)ms" }
        var seconds = millis / 1000
        var parts = ""
        if seconds >= 3600 { parts += "\(seconds / 3600)h"; seconds %= 3600 }
        if seconds >= 60 { parts += "\(seconds / 60)m"; seconds %= 60 }
        if seconds > 0 { parts += "\(seconds)s" }
        return parts
    }
}

extension Duration {
    /// Whole milliseconds.
    package var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    /// Whole microseconds.
    package var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
