import Foundation
import Model

/// Warnings when a run's numbers are too noisy or too thin to trust, in the spirit of pyperf's
/// `check`: a spread over 10% of the mean, too few samples, a busy machine.
public enum StatisticalChecks {
    public static let minimumInvocations = 10

    /// `withinJobs`: for a listed workload, each variant's seconds with each job's own mean taken
    /// out (jobs of different sizes differ by design, which is no instability).
    public static func warnings(
        variants: [VariantSummary], withinJobs: [String: SecondsMoments]? = nil, loadAverage: Double?, cores: Int
    ) -> [String] {
        var out: [String] = []
        for v in variants {
            let moments = withinJobs?[v.name] ?? v.everyInvocationMoments
            let n = moments.count
            if n > 0 && n < minimumInvocations {
                out.append(
                    "`\(v.name)`: only \(n) invocations; use --invocations \(minimumInvocations) or more for a stable interval."
                )
            }
            guard n > 1 else { continue }
            let mean = moments.mean
            let sd = moments.variance.squareRoot()
            if mean > 0, sd > 0.1 * mean {
                out.append(
                    "`\(v.name)`: the standard deviation of its simulated seconds per invocation"
                        + (withinJobs == nil ? "" : " within its jobs") + " is "
                        + "\(Int((sd / mean * 100).rounded()))% of the mean (over 10%): the runs are unstable or the machine is noisy."
                )
            }
        }
        if let load = loadAverage, load > Double(cores) * 0.5 {
            out.append(
                "The load average was \(String(format: "%.2f", load)) on \(cores) cores when the run started: other work competed "
                    + "for the CPU, and thread hops in particular wait longer on a busy machine.")
        }
        return out
    }
}
