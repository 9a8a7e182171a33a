import Foundation

/// What `/proc` says about a process this one may not be the parent of: enough to tell a stopped
/// or ended process from a live one without waiting for it.
enum ProcessState {
    /// The state letter of `/proc/PID/stat` (`R`, `S`, `D`, `T`, `t`, `Z`, ...); nil when the process is gone.
    static func letter(of pid: pid_t) -> Character? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // The command name, in parentheses, may hold spaces: the state is the first field after it.
        return text[text.index(after: close)...].split(separator: " ").first?.first
    }

    /// Stopped by a signal (`T`) or a tracer (`t`): it cannot answer until someone continues it.
    static func isStopped(_ pid: pid_t) -> Bool {
        let state = letter(of: pid)
        return state == "T" || state == "t"
    }

    /// Gone, or a zombie waiting for its parent to reap it.
    static func hasEnded(_ pid: pid_t) -> Bool {
        let state = letter(of: pid)
        return state == nil || state == "Z" || state == "X"
    }
}
