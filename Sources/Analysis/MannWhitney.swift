import Foundation
import Model

public enum MannWhitney {
    public static func test(_ a: [Double], _ b: [Double], alpha: Double = 0.05) -> MannWhitneyResult? {
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        guard n1 > 0, n2 > 0 else { return nil }
        // Rank the pooled sample, averaging ranks over ties: a merge of the two sorted samples, tie
        // group by tie group, so memory stays at one copy of each sample.
        let x = a.sorted()
        let y = b.sorted()
        var i = 0
        var j = 0
        var ranked = 0.0
        var r1 = 0.0
        var tieTerm = 0.0
        while i < x.count || j < y.count {
            let value = min(i < x.count ? x[i] : .infinity, j < y.count ? y[j] : .infinity)
            var inA = 0.0
            while i < x.count && x[i] == value { (i, inA) = (i + 1, inA + 1) }
            var inB = 0.0
            while j < y.count && y[j] == value { (j, inB) = (j + 1, inB + 1) }
            // A NaN equals nothing, itself included: its own group, so the walk always moves on.
            if inA + inB == 0 { if i < x.count { (i, inA) = (i + 1, 1) } else { (j, inB) = (j + 1, 1) } }
            let t = inA + inB
            let rank = ranked + (t + 1) / 2
            for _ in 0..<Int(inA) { r1 += rank }
            tieTerm += t * t * t - t
            ranked += t
        }
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
