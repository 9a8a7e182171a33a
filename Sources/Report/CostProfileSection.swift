import Analysis
import Foundation

/// The cost profile as the report and `simulate calibrate` show it: which file, where and when it
/// was measured, and every unit with its source.
public enum CostProfileSection {
    /// Units, value and source, sorted by unit.
    public static func unitsTable(units: [String: Double], sources: [String: String]) -> String {
        var t = MarkdownTable(["unit", "CPython µs", "source"], numeric: [1])
        for (unit, value) in units.sorted(by: { $0.key < $1.key }) {
            t.add([unit, MarkdownReport.f(value, value < 10 ? 3 : 1), sources[unit] ?? ""])
        }
        return t.text
    }

    /// Where a calibrated profile came from, as bullets; empty for a hand-written profile.
    public static func calibration(_ c: [String: String]) -> String {
        guard !c.isEmpty else { return "" }
        var out = ""
        func line(_ label: String, _ keys: String...) {
            let values = keys.compactMap { c[$0] }
            if !values.isEmpty { out += "- \(label): \(values.joined(separator: ", "))\n" }
        }
        line("Interpreter", "interpreter", "python_version")
        line("Libraries", "metadata_library", "thread_hop_library")
        line("Measured", "date")
        if let cpu = c["machine.cpu"] {
            out += "- Machine: \(cpu), \(c["machine.cores"] ?? "?") cores, \(c["machine.platform"] ?? "")\n"
        }
        line("Timing", "timing")
        if let before = c["machine.load_average_before"], let after = c["machine.load_average_after"] {
            out += "- Load average during calibration: \(before) before, \(after) after\n"
        }
        line("Cold page cache", "cold_cache")
        for fit in c.keys.filter({ $0.hasPrefix("fits.") && $0.hasSuffix(".b_us") }).sorted() {
            let name = String(fit.dropFirst("fits.".count).dropLast(".b_us".count))
            let a = c["fits.\(name).a_us"] ?? "?"
            let b = c[fit] ?? "?"
            let r2 = c["fits.\(name).r2"] ?? "?"
            out += "- Fit `\(name)`: \(a) µs + \(b) µs × N, R² = \(r2)\n"
        }
        if let n = c["site_packages_check.distributions"], let measured = c["site_packages_check.measured_us"],
            let predicted = c["site_packages_check.predicted_us"]
        {
            out +=
                "- Interpreter's own sys.path (\(n) distributions): entry_points() \(measured) µs measured, "
                + "\(predicted) µs predicted by the warm fit\n"
        }
        let statements = c.keys.filter { $0.hasPrefix("sqlite_statements_us.") }.sorted()
        if !statements.isEmpty {
            out +=
                "- SQLite per statement (µs): "
                + statements.map {
                    "\($0.dropFirst("sqlite_statements_us.".count)) \(c[$0] ?? "")"
                }.joined(separator: "; ") + "\n"
        }
        return out
    }
}
