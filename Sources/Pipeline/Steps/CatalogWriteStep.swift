import Foundation
import Model

/// Step 4: the tap's catalog written to a real file, in the variant's write mode.
struct CatalogWriteStep: InvocationStep {
    let padder: CostPadder
    let catalog: CatalogWork

    var phase: Phase { .catalogWrite }

    func units(for run: InvocationState) -> StepUnits {
        StepUnits(done: catalog.linesWritten, production: catalog.lines)
    }

    /// Made before the phase starts: the lines are the tap's output, arriving ready-made on a pipe,
    /// so building them is not Meltano's cost (in Swift it would outweigh a buffered write).
    func prepare(_ run: InvocationState) -> [String] {
        let lines = CatalogLines(streams: 1 + run.spec.ordinal % 49)
        return (0..<catalog.linesWritten).map(lines.line)
    }

    func perform(_ run: InvocationState, prepared lines: [String]) throws {
        let sample = catalog.linesWritten
        guard sample > 0 else { return }
        let path = catalog.scratchDirectory + "/catalog-\(getpid())-\(run.spec.index).json"
        let mode = catalog.writeOverride ?? run.variant.release.catalogWrite
        let writer = try CatalogWriter(path: path, mode: mode)
        var timer = SampleTimer(units: sample)
        var offCPU = OffCPUWait()
        // Padded a chunk at a time: a line costs a microsecond or two, less than the padding's
        // own clock reads would overshoot by per line; the chunk's total is the same. A hop's
        // wake-ups are waited out after its CPU (docs/calibration.md, "The catalog write").
        for start in stride(from: 0, to: sample, by: timer.chunkSize) {
            let chunk = lines[start..<min(sample, start + timer.chunkSize)]
            timer.unitStarted(start)
            padder.run(mode.costUnit, count: chunk.count, timing: &run.ledger.unitTiming) {
                for line in chunk { writer.write(line) }
            }
            padder.wait(mode.waitUnit, count: chunk.count, on: &offCPU, timing: &run.ledger.unitTiming)
        }
        let finishing = MonotonicClock.now()
        writer.finish()
        // Extrapolated 100s of times, a preempted stretch of the sample would become seconds.
        if sample < catalog.lines {
            run.ledger.robustSampleNs = timer.robustTotal(endedAt: finishing) + (MonotonicClock.now() - finishing)
        }
    }
}
