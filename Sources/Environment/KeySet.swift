/// A set of short `String` keys hashed by the caller (FNV-1a of the UTF-8 bytes, which the scan
/// computes while it builds each key). The scan looks up two keys per distribution, and
/// `Set<String>` spent more time in SipHash than in the rest of the work on a name.
/// Open addressing with linear probing, at most half full.
struct KeySet {
    /// The keys in insertion order.
    private(set) var keys: [String] = []
    private var hashes: [UInt64] = []
    private var slots = [Int32](repeating: -1, count: 64)  // index into `keys`, or -1

    /// FNV-1a, 64-bit, of a key's UTF-8 bytes.
    static func hash(_ key: String) -> UInt64 {
        var hash = offsetBasis
        for byte in key.utf8 { hash = step(hash, byte) }
        return hash
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// One byte of FNV-1a.
    @inline(__always) static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    /// Inserts `key` (whose `hash(_:)` is `hash`) unless present; returns whether it was new and
    /// its position in insertion order.
    mutating func insert(_ key: String, hash: UInt64) -> (inserted: Bool, index: Int) {
        if (keys.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Self.slot(hash) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 {
                slots[slot] = Int32(keys.count)
                keys.append(key)
                hashes.append(hash)
                return (true, keys.count - 1)
            }
            if hashes[index] == hash, keys[index] == key { return (false, index) }
            slot = (slot + 1) & mask
        }
    }

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = -1 }
    }

    // FNV's low bits see only the low bits of each step: fold the high half in.
    private static func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash ^ (hash >> 32)) }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Self.slot(hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
