extension PersistentCacheFile {
    /// The file's first line, `simulate-entry-points <version> <header> <table> <body>\n`: plain
    /// text, so a file is recognizable with `head -1`, parsed without Foundation.
    struct Line {
        /// Where the header starts (just past the newline).
        var end: Int
        var header: Int
        var table: Int
        var body: Int

        enum Failure: Error {
            case otherVersion  // our magic, another format: a plain miss
            case malformed
        }

        private static let magic = Array(PersistentCacheFile.magic.utf8) + [0x20]

        /// At most 15 digits per number, so sums of them cannot overflow.
        static func parse(_ bytes: [UInt8], version: Int) -> Result<Line, Failure> {
            guard bytes.count > magic.count, bytes[..<magic.count].elementsEqual(magic) else {
                return .failure(.malformed)
            }
            var numbers: [Int] = []
            var value = 0
            var digits = 0
            for index in magic.count..<min(bytes.count, magic.count + 128) {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 && digits < 15 {
                    value = value * 10 + Int(byte - 0x30)
                    digits += 1
                } else if (byte == 0x20 || byte == 0x0A) && digits > 0 {
                    numbers.append(value)
                    if numbers.count == 1 && value != version { return .failure(.otherVersion) }
                    if byte == 0x0A {
                        guard numbers.count == 4 else { return .failure(.malformed) }
                        return .success(Line(end: index + 1, header: numbers[1], table: numbers[2], body: numbers[3]))
                    }
                    value = 0
                    digits = 0
                } else {
                    return .failure(.malformed)
                }
            }
            return .failure(.malformed)
        }
    }
}
