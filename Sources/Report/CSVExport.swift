import Analysis
import Foundation
import Model

/// One CSV row per variant × phase, for spreadsheets (`--export-csv`).
public enum CSVExport {
    public static func render(_ s: RunSummary) -> String {
        var lines = [
            "variant,phase,provenance,invocations,median_ms,mad_ms,mean_ms,p90_ms,p99_ms,native_mean_ms,seconds_per_run,"
                + "production_minutes,delta_minutes,share,variant_production_minutes,regression_minutes,regression_low,regression_high"
        ]
        for v in s.variants {
            for p in v.phases {
                let r = v.regressionMinutes
                let cells: [String] = [
                    field(v.name), field(p.phase.rawValue), p.provenance.rawValue, "\(p.invocations)",
                    num(p.modelledMs.median), num(p.modelledMs.mad), num(p.modelledMs.mean), num(p.modelledMs.p90),
                    num(p.modelledMs.p99),
                    num(p.nativeMeanMs), num(p.secondsPerRun), num(p.productionMinutes), num(p.deltaMinutes),
                    p.share.map(num) ?? "", num(v.productionMinutes), r.map { num($0.estimate) } ?? "",
                    r.map { num($0.low) } ?? "",
                    r.map { num($0.high) } ?? "",
                ]
                lines.append(cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func num(_ v: Double) -> String { String(format: "%.6g", v) }

    /// Quotes a field when it holds a comma, a quote or a newline (RFC 4180).
    static func field(_ s: String) -> String {
        guard s.contains(where: { ",\"\n".contains($0) }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
