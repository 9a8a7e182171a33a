import Foundation
import Model

/// A discrete-event queue of k identical slots served first come, first served: each run takes
/// the slot that frees first, at its arrival or when that slot frees, whichever is later, and
/// holds it for its service time. A run arriving exactly when a slot frees does not wait.
public enum FleetQueue {
    /// One run's fate in the queue, seconds on the arrivals' clock.
    public struct Run: Equatable, Sendable {
        public var arrival: Double
        public var start: Double
        public var finish: Double

        public var wait: Double { start - arrival }
        public var arrivalToFinish: Double { finish - arrival }
    }

    /// Serves `arrivals` (in order of arrival) with `services` (seconds each, same order) on `slots` slots.
    public static func serve(arrivals: [Double], services: [Double], slots: Int) -> [Run] {
        precondition(arrivals.count == services.count && slots > 0)
        var free = [Double](repeating: -.infinity, count: slots)
        var runs: [Run] = []
        runs.reserveCapacity(arrivals.count)
        for (arrival, service) in zip(arrivals, services) {
            // Slots are few (at most 256): a scan finds the first to free.
            var slot = 0
            for s in 1..<slots where free[s] < free[slot] { slot = s }
            let start = max(arrival, free[slot])
            free[slot] = start + service
            runs.append(Run(arrival: arrival, start: start, finish: start + service))
        }
        return runs
    }

    /// Runs still queued or running at `dayEnd`: arrived by then and not finished.
    public static func backlog(_ runs: [Run], dayEnd: Double) -> Int {
        runs.filter { $0.arrival <= dayEnd && $0.finish > dayEnd }.count
    }

    /// The queue's statistics over `runs`.
    public static func stats(_ runs: [Run], dayEnd: Double) -> FleetQueueStats {
        let waits = runs.map(\.wait).sorted()
        let spans = runs.map(\.arrivalToFinish).sorted()
        let services = runs.map { $0.finish - $0.start }
        return FleetQueueStats(
            waitP50Seconds: SampleStatistics.percentile(waits, 0.50),
            waitP95Seconds: SampleStatistics.percentile(waits, 0.95), waitMaxSeconds: waits.last ?? 0,
            arrivalToFinishP50Seconds: SampleStatistics.percentile(spans, 0.50),
            arrivalToFinishP95Seconds: SampleStatistics.percentile(spans, 0.95),
            runsWaited: waits.filter { $0 > 0 }.count, backlog: backlog(runs, dayEnd: dayEnd),
            meanServiceSeconds: services.isEmpty ? 0 : services.reduce(0, +) / Double(services.count))
    }
}
