import Foundation

/// The machine a run happened on, for the report's environment section.
public struct MachineInfo: Codable, Sendable {
    public var cpuModel: String
    public var cpuCount: Int
    public var os: String
    public var kernel: String
    /// 1-minute load average when the summary was written.
    public var loadAverage: Double
    /// 1-minute load average when the run started.
    public var loadAverageAtStart: Double?
    public var swiftVersion: String

    /// The 1-minute load average now.
    public static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return Double(text.split(separator: " ").first ?? "0") ?? 0
    }

    public static func current(loadAverageAtStart: Double? = nil) -> MachineInfo {
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let cpu =
            read("/proc/cpuinfo").split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        let os =
            read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { String($0.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            ?? "unknown"
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineInfo(
            cpuModel: cpu, cpuCount: ProcessInfo.processInfo.activeProcessorCount, os: os,
            kernel: release, loadAverage: loadAverage(), loadAverageAtStart: loadAverageAtStart,
            swiftVersion: compilerVersion)
    }

    static var compilerVersion: String {
        #if swift(>=6.3)
            return "6.3+"
        #elseif swift(>=6.2)
            return "6.2"
        #elseif swift(>=6.1)
            return "6.1"
        #else
            return "6.0"
        #endif
    }

    public init(
        cpuModel: String, cpuCount: Int, os: String, kernel: String, loadAverage: Double,
        loadAverageAtStart: Double? = nil, swiftVersion: String
    ) {
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.os = os
        self.kernel = kernel
        self.loadAverage = loadAverage
        self.loadAverageAtStart = loadAverageAtStart
        self.swiftVersion = swiftVersion
    }
}
