import Foundation

/// An error from the storage room: SQLite, PostgreSQL, the file state backend, or state JSON.
///
/// A busy database is not an error by itself: it becomes `.busyTimeout` only after the
/// connection's overall retry limit has passed.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// SQLite returned this (primary or extended) result code.
        case sqlite(code: Int32)
        /// The database stayed busy or locked past the connection's retry limit.
        case busyTimeout
        /// A state document was not a JSON object (or could not be serialized).
        case invalidState
        /// A file-system call failed with this `errno`.
        case fileSystem(errno: Int32)
        /// PostgreSQL answered with this SQLSTATE (`40001`, `55P03`, ...).
        case postgres(sqlstate: String)
        /// The PostgreSQL server could not be reached, or the connection broke (SQLSTATE class 08, or none).
        case connection
    }

    /// What went wrong.
    public let kind: Kind
    /// SQLite's message, `strerror`, or a description of the problem.
    public let message: String
    /// The SQL being run, when the error came from a statement.
    public let sql: String?
    /// The file involved, when the error came from the file system.
    public let path: String?

    /// Creates an error.
    public init(kind: Kind, message: String, sql: String? = nil, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// True when SQLite reported `SQLITE_BUSY` or `SQLITE_LOCKED` (any extended variant).
    public var isBusy: Bool {
        guard case .sqlite(let code) = kind else { return false }
        let primary = code & 0xFF
        return primary == 5 /* SQLITE_BUSY */ || primary == 6 /* SQLITE_LOCKED */
    }

    public var description: String {
        var text: String
        switch kind {
        case .sqlite(let code): text = "SQLite error \(code): \(message)"
        case .busyTimeout: text = "database busy: \(message)"
        case .invalidState: text = "invalid state: \(message)"
        case .fileSystem(let code): text = "file system error \(code): \(message)"
        case .postgres(let sqlstate): text = "PostgreSQL error \(sqlstate): \(message)"
        case .connection: text = "PostgreSQL connection error: \(message)"
        }
        if let sql { text += " [SQL: \(sql)]" }
        if let path { text += " [path: \(path)]" }
        return text
    }

    /// An error from the current `errno`.
    static func posix(_ operation: String, path: String, errno code: Int32 = errno) -> StorageError {
        StorageError(
            kind: .fileSystem(errno: code),
            message: "\(operation): \(String(cString: strerror(code)))", path: path)
    }
}
