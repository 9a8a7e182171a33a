import Foundation

/// A value in the release probe's report that no probe of a real release prints: the key as the
/// report spells it (`catalog.handoffs_per_line`) and what is wrong with it.
public struct ProbeReportProblem: Error, Equatable, CustomStringConvertible {
    public let key: String
    public let problem: String

    public var description: String { "key '\(key)': \(problem)" }
}

extension ProbeReport {
    /// The most any count the probe reports may be: far above what one `meltano run` does.
    public static let maxCount = 1_000_000_000
    /// Bounds of the numbers that are not counts.
    static let exitCodes = -255...255
    static let secondsBound = 0.0...1_000_000.0
    static let ratioBound = 0.0...Double(maxCount)

    /// A release's version as its metadata spells it (PEP 440: `4.2.0`, `3.7.0rc1`, `1.0.post2`,
    /// `2.0.dev3`, `4.2.0+local.1`): digits and dots, then pre-, post- and dev-release parts, then
    /// a local part. Such a version holds no `/`, no control character and does not start with a
    /// dot, so `meltano-<version>` is a plain file name and one line of output.
    static let releaseVersion = try! NSRegularExpression(
        pattern: "^v?[0-9]+(\\.[0-9]+)*([._-]?(a|b|c|rc|alpha|beta|pre|preview|post|rev|r|dev)[._-]?[0-9]*)*"
            + "(\\+[a-z0-9]+([._-][a-z0-9]+)*)?\\z",
        options: [.caseInsensitive])

    /// Whether `text` is a release's version (`releaseVersion`), at most 64 characters.
    public static func isReleaseVersion(_ text: String) -> Bool {
        text.utf8.count <= 64
            && releaseVersion.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The one check of what the probe reports, made as soon as it is read (a probe's output or a
    /// profile file's `probe`): its versions match a release's grammar (`meltano_version` names
    /// the default profile file) and every number is within its bound (counts from 0 to
    /// `maxCount`, seconds and ratios finite and not negative).
    public func check() throws(ProbeReportProblem) {
        try checkVersion(meltanoVersion, key: "meltano_version")
        // CPython's own builds between releases add a `+`.
        let python = pythonVersion.hasSuffix("+") ? String(pythonVersion.dropLast()) : pythonVersion
        try checkVersion(python, key: "python_version", shown: pythonVersion)
        if probedAt.utf8.count > 40
            || !probedAt.unicodeScalars.allSatisfy({ "0123456789-:TZ.+".unicodeScalars.contains($0) })
        {
            throw ProbeReportProblem(key: "probed_at", problem: "\(Self.shown(probedAt)) is not a UTC time")
        }
        try Self.count(pathEntries, key: "path_entries")
        try Self.count(catalog.linesSmall, key: "catalog.lines_small")
        try Self.count(catalog.linesLarge, key: "catalog.lines_large")
        try Self.count(catalog.handoffsSmall, key: "catalog.handoffs_small")
        try Self.count(catalog.handoffsLarge, key: "catalog.handoffs_large")
        try Self.real(catalog.handoffsPerLine, in: Self.ratioBound, key: "catalog.handoffs_per_line")
        let named = [
            ("systemdb", runs.systemdb), ("systemdb_large", runs.systemdbLarge), ("file", runs.file),
            ("unknown_scheme", runs.unknownScheme),
        ]
        for (label, run) in named { try run.check(at: "runs.\(label)") }
    }

    private func checkVersion(_ text: String, key: String, shown: String? = nil) throws(ProbeReportProblem) {
        guard Self.isReleaseVersion(text) else {
            throw ProbeReportProblem(key: key, problem: "\(Self.shown(shown ?? text)) is not a release's version")
        }
    }

    /// A reported text in a message: quoted, control characters escaped, cut short.
    static func shown(_ text: String) -> String {
        let cut = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return cut.debugDescription
    }

    static func count(_ value: Int?, key: String) throws(ProbeReportProblem) {
        guard let value, !(0...maxCount).contains(value) else { return }
        throw ProbeReportProblem(key: key, problem: "\(value) is outside 0...\(maxCount)")
    }

    static func real(_ value: Double?, in bounds: ClosedRange<Double>, key: String) throws(ProbeReportProblem) {
        guard let value, !(value.isFinite && bounds.contains(value)) else { return }
        throw ProbeReportProblem(
            key: key,
            problem: "\(value) is outside \(ScenarioValue.format(bounds.lowerBound))..."
                + ScenarioValue.format(bounds.upperBound))
    }
}

extension ProbeReport.Run {
    /// Every number of one run within its bound; `prefix` is the run's key (`runs.file`).
    func check(at prefix: String) throws(ProbeReportProblem) {
        if !ProbeReport.exitCodes.contains(exitCode) {
            throw ProbeReportProblem(
                key: "\(prefix).exit_code",
                problem:
                    "\(exitCode) is outside \(ProbeReport.exitCodes.lowerBound)...\(ProbeReport.exitCodes.upperBound)")
        }
        for (group, calls) in entryPointCalls.sorted(by: { $0.key < $1.key }) {
            try ProbeReport.count(calls, key: "\(prefix).entry_point_calls.\(group)")
        }
        let counts: [(String, Int?)] = [
            ("path_listings_before_first_scan", pathListingsBeforeFirstScan), ("catalog_lines", catalogLines),
            ("catalog_thread_handoffs", catalogThreadHandoffs),
            ("state_backend_initializations", stateBackendInitializations), ("error_raises", errorRaises),
            ("backends_calls", backendsCalls),
        ]
        for (key, value) in counts { try ProbeReport.count(value, key: "\(prefix).\(key)") }
        try ProbeReport.real(seconds, in: ProbeReport.secondsBound, key: "\(prefix).seconds")
    }
}
