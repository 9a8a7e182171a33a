import Foundation
import TestSupport
import Testing

@testable import Storage

@Suite struct FileStateStoreTests {
    private func writeLock(_ path: String, age seconds: Double) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try StorageTimestamp.format(Date().addingTimeInterval(-seconds)).write(
            toFile: path, atomically: false, encoding: .utf8)
    }

    private func leftovers(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0 != "state.json" }.sorted()
    }

    @Test func sanitizesStateIDsDeterministically() {
        #expect(FileStateStore.folderName(forStateID: "dev:tap-a-to-target-b") == "dev%3Atap-a-to-target-b")
        #expect(FileStateStore.folderName(forStateID: "a/b") == "a%2Fb")
        #expect(FileStateStore.folderName(forStateID: "..") == "%2E.")
        #expect(FileStateStore.folderName(forStateID: "a%3Ab") != FileStateStore.folderName(forStateID: "a:b"))
    }

    @Test func writesMeltanoShapedStateUnderALockItRemoves() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileStateStore(root: folder.path, retryInterval: 0.01)
        let seenLock = Locked<String?>(nil)
        store.lockHeldHook = { path in
            let text = try? String(contentsOfFile: path, encoding: .utf8)
            seenLock.withValue { $0 = text }
        }
        let stateID = "dev:tap-a-to-target-b"
        #expect(try store.get(stateID: stateID) == nil)

        let receipt = try store.set(stateID: stateID, completed: #"{"singer_state": {"a": 1}}"#, partial: nil)
        #expect(receipt.writeSequence == 1)
        #expect(receipt.lockWaits == 0)
        // The lock existed during the write and held a fresh UTC timestamp.
        let stamp = try #require(seenLock.current.flatMap { StorageTimestamp.parse($0) })
        #expect(abs(stamp.timeIntervalSinceNow) < 5)
        #expect(!FileManager.default.fileExists(atPath: store.lockPath(forStateID: stateID)))
        #expect(store.statePath(forStateID: stateID) == folder.path + "/dev%3Atap-a-to-target-b/state.json")

        let onDisk = try String(contentsOfFile: store.statePath(forStateID: stateID), encoding: .utf8)
        #expect(
            jsonObject(onDisk) == ["completed": ["singer_state": ["a": 1], "_simulate_writes": 1], "partial": [:]])
        #expect(leftovers(store.folderPath(forStateID: stateID)).isEmpty)
    }

    @Test func mergesLikeTheSystemDatabase() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileStateStore(root: folder.path, retryInterval: 0.01)
        try store.set(stateID: "s", completed: nil, partial: #"{"bookmarks": {"users": {"page": 1, "since": "x"}}}"#)
        try store.set(
            stateID: "s", completed: nil, partial: #"{"bookmarks": {"users": {"page": 2}, "orders": {"page": 3}}}"#)
        let merged = try #require(try store.get(stateID: "s"))
        #expect(
            jsonObject(merged.partialState) == [
                "bookmarks": ["users": ["page": 2, "since": "x"], "orders": ["page": 3]]
            ])
        #expect(merged.writeCount == 2)
        #expect(StorageTimestamp.parse(merged.updatedAt) != nil)

        let receipt = try store.set(stateID: "s", completed: #"{"done": true}"#, partial: nil)
        #expect(receipt.writeSequence == 3)
        let replaced = try #require(try store.get(stateID: "s"))
        #expect(jsonObject(replaced.completedState) == ["done": true, "_simulate_writes": 3])
        #expect(jsonObject(replaced.partialState) == [:])
    }

    @Test func removesAStaleLockAndWrites() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileStateStore(root: folder.path, lockTimeoutSeconds: 10, retryInterval: 0.01)
        try writeLock(store.lockPath(forStateID: "s"), age: 60)

        let receipt = try store.set(stateID: "s", completed: "{}", partial: nil)
        #expect(receipt.writeSequence == 1)
        #expect(receipt.lockWaits == 0)
        #expect(store.stats.staleLocksRemoved == 1)
        #expect(leftovers(store.folderPath(forStateID: "s")).isEmpty)
    }

    @Test func waitsForALiveLockUntilItsHolderReleases() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileStateStore(root: folder.path, lockTimeoutSeconds: 10, retryInterval: 0.01)
        let lockPath = store.lockPath(forStateID: "s")
        try writeLock(lockPath, age: 0)

        let releaser = Thread {
            Thread.sleep(forTimeInterval: 0.15)
            unlink(lockPath)
        }
        releaser.start()
        let started = Date()
        let receipt = try store.set(stateID: "s", completed: "{}", partial: nil)
        #expect(Date().timeIntervalSince(started) >= 0.12)
        #expect(receipt.lockWaits >= 5)
        #expect(receipt.waitNanoseconds >= 100_000_000)
        #expect(store.stats.lockWaits == receipt.lockWaits)
        #expect(store.stats.staleLocksRemoved == 0)
        #expect(leftovers(store.folderPath(forStateID: "s")).isEmpty)
    }

    @Test func aLiveLockBecomesStaleAfterTheTimeout() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileStateStore(root: folder.path, lockTimeoutSeconds: 0.2, retryInterval: 0.01)
        try writeLock(store.lockPath(forStateID: "s"), age: 0)  // never released

        let receipt = try store.set(stateID: "s", completed: "{}", partial: nil)
        #expect(receipt.lockWaits > 0)
        #expect(store.stats.staleLocksRemoved == 1)
        #expect(receipt.writeSequence == 1)
    }

    @Test func twoThreadsLoseNoUpdateAndLeaveNoLock() throws {
        let folder = TemporaryDirectory()
        defer { folder.remove() }
        // Two store objects, as two processes would have.
        let stores = try (0..<2).map { _ in try FileStateStore(root: folder.path, retryInterval: 0.001) }
        let sequences = Locked<[Int]>([])
        let errors = runOnThreads(2) { index in
            for write in 0..<50 {
                let receipt = try stores[index].set(
                    stateID: "dev:contended", completed: nil,
                    partial: #"{"writer\#(index)": \#(write)}"#)
                sequences.withValue { $0.append(receipt.writeSequence) }
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        let final = try #require(try stores[0].get(stateID: "dev:contended"))
        #expect(final.writeCount == 100)
        #expect(sequences.current.sorted() == Array(1...100))
        #expect(jsonObject(final.partialState) == ["writer0": 49, "writer1": 49])
        #expect(stores[0].stats.staleLocksRemoved + stores[1].stats.staleLocksRemoved == 0)
        #expect(leftovers(stores[0].folderPath(forStateID: "dev:contended")).isEmpty)
        print("file state contention: lock waits \(stores.map { $0.stats.lockWaits })")
    }
}
