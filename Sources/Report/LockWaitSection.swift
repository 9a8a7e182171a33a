import Analysis
import Foundation
import Model

/// The report's "Lock waits": time invocations waited for the system database's lock, per variant
/// and phase. The phases' seconds leave it out, so a lock held by another process (or another
/// worker) charges no variant; this section shows what was left out.
enum LockWaitSection {
    static func render(_ s: RunSummary) -> String {
        var t = MarkdownTable(["variant", "phase", "invocations", "lock wait s (total)"], numeric: [2, 3])
        for v in s.variants {
            for phase in v.phases {
                guard let seconds = phase.lockWaitSeconds, seconds > 0 else { continue }
                t.add([v.name, phase.phase.rawValue, "\(phase.invocations)", String(format: "%.3f", seconds)])
            }
        }
        guard !t.rows.isEmpty else { return "" }
        return
            "## Lock waits\n\nTime invocations waited for the system database's lock (held by another worker, a "
            + "heartbeat or a process outside the run), summed over invocations. It is **not** in the phases' "
            + "seconds or the estimate: no variant is charged for it. A statement that waits longer than "
            + "`busy_timeout_seconds` fails its invocation.\n\n" + MarkdownReport.fold(t, "Lock waits") + "\n"
    }
}
