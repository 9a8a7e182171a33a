import Foundation

/// Reads a whole input file (a scenario, a cost profile) with an upper bound, so that `/dev/zero`
/// or an endless pipe given as one costs at most the bound.
public enum BoundedFile {
    /// Why a file gave no bytes.
    public enum Failure: Error, Equatable {
        /// It could not be opened or read (the system's words).
        case unreadable(String)
        /// It holds more than the limit; only the limit and one byte were read.
        case tooLarge
    }

    /// The file's bytes, or why not: a file over `limit` bytes fails after reading `limit + 1`.
    /// Pipes and process substitutions (`<(...)`) work: they are read until their end or the limit.
    public static func read(_ url: URL, limit: Int) -> Result<Data, Failure> {
        var data = Data()
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while data.count <= limit, let chunk = try handle.read(upToCount: limit + 1 - data.count), !chunk.isEmpty {
                data.append(chunk)
            }
        } catch {
            return .failure(.unreadable(error.localizedDescription))
        }
        return data.count > limit ? .failure(.tooLarge) : .success(data)
    }
}
