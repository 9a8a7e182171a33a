/// A command line a reader can paste into a POSIX shell and get exactly these arguments back.
public enum ShellCommand {
    /// The words joined with spaces, each quoted where the shell would otherwise split, expand or run it.
    public static func line(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// One word: as it is when every character is plainly safe, else in single quotes (a single
    /// quote inside becomes `'\''`).
    public static func quote(_ word: String) -> String {
        let safe =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { c in
                ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                    || "_-./:=,+@%".unicodeScalars.contains(c)
            }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
