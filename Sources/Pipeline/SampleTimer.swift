import Model

/// Times a sample of units in chunks and gives the sample's time from the median chunk's time per
/// unit: a robust estimate that a preempted chunk cannot inflate.
///
/// A sampled phase is extrapolated to its production unit count (a catalog of 300,000 lines from a
/// sample of a few thousand), so the sample's mean would turn one scheduler preemption into
/// seconds of production time and make back-to-back runs disagree. The median over chunks is what
/// a run on an otherwise idle machine pays per unit (docs/model.md, "The estimate").
struct SampleTimer {
    /// Chunks the sample is cut into; at least one unit each.
    static let chunks = 20

    let units: Int
    let chunkSize: Int
    private var chunkStarts: [UInt64] = []

    init(units: Int) {
        self.units = units
        chunkSize = max(1, (units + Self.chunks - 1) / Self.chunks)
        chunkStarts.reserveCapacity(Self.chunks + 1)
    }

    /// Call before unit `index`: marks a chunk boundary every `chunkSize` units.
    mutating func unitStarted(_ index: Int) {
        if index % chunkSize == 0 { chunkStarts.append(MonotonicClock.now()) }
    }

    /// The sample's time from the median time per unit over its chunks (the last, short chunk
    /// weighted by its unit count like the others).
    func robustTotal(endedAt end: UInt64) -> UInt64 {
        guard !chunkStarts.isEmpty, units > 0 else { return 0 }
        var perUnit: [Double] = []
        for (k, start) in chunkStarts.enumerated() {
            let stop = k + 1 < chunkStarts.count ? chunkStarts[k + 1] : end
            let count = min(chunkSize, units - k * chunkSize)
            guard count > 0 else { continue }
            perUnit.append(Double(stop - start) / Double(count))
        }
        perUnit.sort()
        let median =
            perUnit.count % 2 == 1
            ? perUnit[perUnit.count / 2] : (perUnit[perUnit.count / 2 - 1] + perUnit[perUnit.count / 2]) / 2
        return UInt64(median * Double(units))
    }
}
