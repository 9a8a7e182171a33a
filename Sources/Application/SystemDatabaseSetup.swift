import Foundation
import Model
import ProcessControl
import Storage

/// Makes the run's system database before the workers start, once, and names it for them
/// (docs/systemdb.md): the SQLite file in the run folder, or Meltano's tables in a PostgreSQL
/// schema of the run's own, so that runs sharing a server never count each other's rows.
enum SystemDatabaseSetup {
    /// The locator the workers and the integrity check use, for the `systemdb` key's value.
    static func prepare(systemdb: String, folder: RunFolder) throws -> SystemDatabaseLocator {
        guard SystemDatabaseLocator.isPostgresURL(systemdb) else {
            try SystemDatabase.create(at: folder.database.path)
            return .sqlite(path: folder.database.path)
        }
        let namespace = schemaName(forRunFolder: folder.url.lastPathComponent)
        do {
            try PostgresSystemDatabase.create(url: systemdb, namespace: namespace)
        } catch let error as StorageError {
            throw ChildProcessError(
                "systemdb: cannot create the system database at \(SystemDatabaseLocator.withoutPassword(systemdb)): "
                    + error.message)
        }
        return .postgres(url: PostgresSystemDatabase.url(systemdb, namespace: namespace))
    }

    /// `simulate_` and the run folder's name in lower case, other characters as `_`, at most 63 bytes
    /// (PostgreSQL's identifier limit).
    static func schemaName(forRunFolder name: String) -> String {
        let cleaned = name.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        return String(("simulate_" + String(cleaned)).prefix(63))
    }
}
