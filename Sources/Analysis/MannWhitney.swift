import Foundation

public enum MannWhitney {
    public static func test(_ a: [Double], _ b: [Double], alpha: Double = 0.05) -> MannWhitneyResult? {
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        guard n1 > 0, n2 > 0 else { return nil }
        // Rank the pooled sample, averaging ranks over ties.
        let pooled = (a.map { ($0, 0) } + b.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let r1 = zip(pooled, ranks).filter { $0.0.1 == 0 }.reduce(0) { $0 + $1.1 }
        let u1 = r1 - n1 * (n1 + 1) / 2
        let n = n1 + n2
        let meanU = n1 * n2 / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else {
            return MannWhitneyResult(u: u1, z: 0, pValue: 1, significant: false)
        }
        let diff = u1 - meanU
        let z = (abs(diff) - 0.5).clamped(min: 0) / variance.squareRoot() * (diff < 0 ? -1 : 1)
        let p = min(1, erfc(abs(z) / 2.0.squareRoot()))
        return MannWhitneyResult(u: u1, z: z, pValue: p, significant: p < alpha)
    }
}

extension Double {
    func clamped(min lower: Double) -> Double { Swift.max(lower, self) }
}
