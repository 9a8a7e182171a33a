import Environment
import Model

/// The profile's cost of one scan as the scanner did it (docs/model.md, "The discovery scan's cost").
struct ScanCosting: Sendable {
    let costs: CostProfile
    /// `cache: cold`: the environment's pages are dropped before every scan.
    let cold: Bool

    /// Units a profile lacks cost 0, so older profiles charge what they did. Cold (when the
    /// profile has cold units), a + b·N fitted over single folders of metadata folders stands for
    /// what such a folder costs; only what it cannot have seen is added: further path entries,
    /// other names listed, a process's first call.
    func micros(_ scan: ScanResult, first: Bool) -> Double {
        let p = costs
        func cost(_ unit: CostUnit, _ count: Int) -> Double { (p.microseconds(unit) ?? 0) * Double(max(0, count)) }
        let missing = scan.pathEntriesSearched - scan.pathEntriesListed
        let always = cost(.scanPerMissingPathEntry, missing) + cost(.scanFirstCall, first ? 1 : 0)
        if cold && p.microseconds(.scanColdPerDistribution) != nil {
            return cost(.scanColdFixed, 1) + cost(.scanColdPerDistribution, scan.distributionsFound) + always
                + cost(.scanPerPathEntry, scan.pathEntriesSearched - 1)
                + cost(.scanPerListedEntry, scan.entriesListed - scan.distributionsListed)
        }
        return cost(.scanFixed, 1) + cost(.scanPerDistribution, scan.distributionsFound) + always
            + cost(.scanPerPathEntry, scan.pathEntriesSearched) + cost(.scanPerListedEntry, scan.entriesListed)
            + cost(.scanPerListedDistribution, scan.distributionsListed)
            + cost(.scanPerEntryPoint, scan.entryPoints.count)
    }
}
