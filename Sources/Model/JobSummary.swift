/// One job of a listed workload, for one variant: what its runs cost over the production period.
public struct JobSummary: Codable, Sendable, Equatable {
    public var name: String
    /// Runs in the production period.
    public var runs: Int
    /// Completed invocations of this job the estimate rests on.
    public var invocations: Int
    /// Mean simulated seconds per run; nil when no invocation of the job completed.
    public var simulatedSecondsPerRun: Double?
    /// The job's own assumed seconds per run (the same for every variant).
    public var assumedSecondsPerRun: Double
    /// (simulated + assumed) × runs, in minutes; nil with no completed invocation.
    public var minutes: Double?
    /// `minutes` minus the baseline's; nil for the baseline and where either is unknown.
    public var deltaMinutes: Double?

    public init(
        name: String, runs: Int, invocations: Int, simulatedSecondsPerRun: Double?, assumedSecondsPerRun: Double
    ) {
        self.name = name
        self.runs = runs
        self.invocations = invocations
        self.simulatedSecondsPerRun = simulatedSecondsPerRun
        self.assumedSecondsPerRun = assumedSecondsPerRun
        minutes = simulatedSecondsPerRun.map { ($0 + assumedSecondsPerRun) * Double(runs) / 60 }
    }
}
