import Foundation
import Model

extension RunAnalyzer {
    /// One variant's summary from its folded statistics; the regression fields are `attribute`'s.
    func summarize(variant v: Int, _ input: Input) -> VariantSummary {
        let scenario = input.scenario
        let variant = scenario.variants[v]
        let accumulator = input.accumulator
        accumulator.variants[v].sortByStart()
        let a = accumulator.variants[v]
        let runs = Double(scenario.productionRuns)
        let counts = a.listed.records.map { $0.counts(ordinal: Int(accumulator.plan.ordinal[Int($0.index)])) }
        let scanCounts = a.scanCounts.map(Int.init)
        let moments = SecondsMoments(a.totals)
        let simulated = moments.mean
        let perRun =
            simulated + (scenario.workload == .microbench ? 0 : scenario.assumedSeconds.reduce(0) { $0 + $1.seconds })
        var summary = VariantSummary(
            name: variant.name,
            distributions: input.variantDistributions[variant.name] ?? input.environment.distributions,
            profile: variant.release.name, strategy: variant.strategy,
            catalogWrite: scenario.catalogWrite(of: variant), planned: a.planned,
            succeeded: a.succeeded, failed: a.failed, lost: a.lost,
            scans: ScanSummary(
                total: scanCounts.reduce(0, +), perInvocation: SampleStatistics(scanCounts.map(Double.init)),
                firstInvocation: scanCounts.first ?? 0, maxAfterFirst: scanCounts.dropFirst().max() ?? 0),
            errorPaths: a.errorPaths, errorMessages: a.errorMessages.sorted(), storage: a.storage,
            heartbeats: a.heartbeats, jobOverlaps: a.jobOverlaps,
            phases: phaseSummaries(a, accumulator.phaseNames, scenario: scenario),
            http: accumulator.phaseNames.indices.compactMap { p in a.http[p]?.summary(phase: accumulator.phaseNames[p])
            },
            httpFailedInvocations: a.httpFailedInvocations,
            databaseLockedInvocations: a.databaseLockedInvocations > 0 ? a.databaseLockedInvocations : nil,
            simulatedSecondsPerRun: simulated, secondsPerRun: perRun,
            productionMinutes: perRun * runs / 60 + Double(scenario.productionRuns - 1) * scenario.productionGapSeconds
                / 60,
            regressionMinutes: nil, topPhase: nil, topPhaseMinutes: nil, mannWhitney: nil, categories: [],
            simulatedSeconds: Array(a.totals.prefix(VariantSummary.listedInvocationLimit)), invocations: counts,
            simulatedSecondsMoments: moments)
        summary.jobs = jobSummaries(a, scenario: scenario)
        summary.profileProvenance = variant.release.provenance.description
        summary.profileFingerprint = variant.release.behaviourFingerprint
        if a.databaseUnreachableInvocations > 0 {
            summary.databaseUnreachableInvocations = a.databaseUnreachableInvocations
        }
        return summary
    }

    /// Per job of a listed workload, its runs' minutes (the deltas are `attribute`'s); nil for alike jobs.
    func jobSummaries(_ a: VariantAccumulator, scenario: Scenario) -> [JobSummary]? {
        guard scenario.jobEntries != nil else { return nil }
        return scenario.workloadJobs.enumerated().map { j, job in
            let n = a.jobInvocations[j]
            return JobSummary(
                name: job.name, runs: job.runs, invocations: n,
                simulatedSecondsPerRun: n > 0 ? a.jobSeconds[j] / Double(n) : nil,
                assumedSecondsPerRun: job.assumedSecondsPerRun)
        }
    }

    /// The simulated phases from their histograms and sums, then the scenario's assumed ones.
    func phaseSummaries(_ a: VariantAccumulator, _ names: [Phase], scenario: Scenario) -> [PhaseSummary] {
        let runs = Double(scenario.productionRuns)
        var phases = names.indices.map { p in
            let stats = a.phases[p]
            let n = Double(stats.invocations)
            let perRun = stats.seconds.mean
            var phase = PhaseSummary(
                phase: names[p], provenance: stats.sampled ? .sampled : .measured, invocations: stats.invocations,
                unitsDone: stats.unitsDone, productionUnits: stats.productionUnits,
                modelledMs: stats.distribution.summary, nativeMeanMs: n > 0 ? stats.nativeMsSum / n : 0,
                scansMean: n > 0 ? stats.scansSum / n : 0, scanMeanMs: n > 0 ? stats.scanMsSum / n : 0,
                secondsPerRun: perRun, productionMinutes: perRun * runs / 60, deltaMinutes: 0, share: nil)
            if a.lockWaitNs[p] > 0 { phase.lockWaitSeconds = Double(a.lockWaitNs[p]) / 1e9 }
            return phase
        }
        guard scenario.workload != .microbench else { return phases }
        for assumed in scenario.assumedSeconds {
            phases.append(
                PhaseSummary(
                    phase: assumed.phase, provenance: .assumed, invocations: 0, unitsDone: 0,
                    productionUnits: 0, modelledMs: .constant(milliseconds: assumed.seconds * 1000),
                    nativeMeanMs: 0, scansMean: 0, scanMeanMs: 0, secondsPerRun: assumed.seconds,
                    productionMinutes: assumed.seconds * runs / 60, deltaMinutes: 0, share: nil))
        }
        return phases
    }
}
