/// Finds a duplicated key's lines in block-style YAML text, for the one-line error: Yams names
/// the mapping that holds the duplicate (its first line), not the key's lines.
struct DuplicateKeyLocator {
    let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based lines where `key` is set in the mapping starting at `mappingLine`, and the key's
    /// dotted name (`http.api.error_rate`), built from the keys of the enclosing lines above it.
    func locate(_ key: String, mappingLine: Int) -> (lines: [Int], dottedName: String) {
        let start = max(0, min(mappingLine - 1, lines.count - 1))
        guard let indent = lines.indices.dropFirst(start).first(where: { isContent($0) }).map({ indentation($0) })
        else {
            return ([], key)
        }
        var found: [Int] = []
        for i in lines.indices.dropFirst(start) where isContent(i) {
            let depth = indentation(i)
            if depth < indent { break }  // the mapping has ended
            if depth == indent, keyName(i) == key { found.append(i + 1) }
        }
        // Enclosing keys: each nearest line above with less indentation than the last one found.
        var path = [key]
        var depth = indent
        for i in lines.indices.prefix(start).reversed() where depth > 0 && isContent(i) && indentation(i) < depth {
            if let name = keyName(i) { path.insert(name, at: 0) }
            depth = indentation(i)
        }
        return (found, path.joined(separator: "."))
    }

    private func isContent(_ i: Int) -> Bool {
        let trimmed = lines[i].drop { $0 == " " }
        return !trimmed.isEmpty && !trimmed.hasPrefix("#")
    }

    private func indentation(_ i: Int) -> Int { lines[i].prefix { $0 == " " }.count }

    /// The key a `key: value` line sets, if it is one.
    private func keyName(_ i: Int) -> String? {
        let trimmed = lines[i].drop { $0 == " " }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let name = trimmed[..<colon].trimmingSuffixSpaces()
        return name.isEmpty ? nil : String(name)
    }
}

extension Substring {
    fileprivate func trimmingSuffixSpaces() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return self[startIndex..<end]
    }
}
