/// A moment on a log line, in whole microseconds since 1970-01-01T00:00:00Z.
///
/// Meltano's structlog `TimeStamper(fmt="iso", utc=True)` prints microseconds
/// (`2026-01-08T13:31:02.647435Z`), so integers keep every phase exact: phases computed from
/// the same lines add up to the run's wall time with no rounding.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the Unix epoch, UTC.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// Seconds from `self` to `later` (negative when `later` is earlier).
    public func seconds(to later: Timestamp) -> Double { Double(later.microseconds - microseconds) / 1_000_000 }

    /// ISO 8601 in UTC with six fraction digits, as Meltano prints it: `2026-01-08T13:31:02.647435Z`.
    public var description: String {
        let (days, micros) = microseconds.quotientAndRemainderFloored(dividingBy: 86_400_000_000)
        let (y, m, d) = Self.civil(fromDays: days)
        let second = micros / 1_000_000
        let fraction = micros % 1_000_000
        if (1...9999).contains(y) {
            // The years a log's timestamp can name: 27 bytes written in place (a timeline prints
            // a dozen of these per run).
            return String(unsafeUninitializedCapacity: 27) { out in
                var i = 0
                func put(_ value: Int64, _ width: Int) {
                    var rest = value
                    for k in stride(from: width - 1, through: 0, by: -1) {
                        out[i + k] = UInt8(0x30 + rest % 10)
                        rest /= 10
                    }
                    i += width
                }
                func put(_ byte: UInt8) {
                    out[i] = byte
                    i += 1
                }
                put(y, 4)
                put(0x2D)
                put(m, 2)
                put(0x2D)
                put(d, 2)
                put(0x54)
                put(second / 3600, 2)
                put(0x3A)
                put(second / 60 % 60, 2)
                put(0x3A)
                put(second % 60, 2)
                put(0x2E)
                put(fraction, 6)
                put(0x5A)
                return i
            }
        }
        return
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))"
            + ".\(pad(fraction, 6))Z"
    }

    /// Whether `bytes` start like a timestamp (`YYYY-MM-DD[T ]hh:mm:ss`, the year of four digits or
    /// more) whose date or time does not exist: February 30, 23:59:60, the year 0 or 10000. A line
    /// that does names a moment `parse` refuses, and says so; one with a real moment in a form `parse`
    /// does not read (Python's `01:31:57,932`) is no such line.
    static func namesImpossibleMoment(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Plain lines are most lines of some logs: a digit first is the cheap test that ends most calls.
        guard let first = bytes.first, (0x30...0x39).contains(first) else { return false }
        var yearDigits = 0
        while yearDigits < bytes.count, (0x30...0x39).contains(bytes[yearDigits]) { yearDigits += 1 }
        guard yearDigits >= 4 else { return false }
        var scanner = ByteScanner(bytes, at: yearDigits)
        guard scanner.take(0x2D), let month = scanner.digits(2), scanner.take(0x2D), let day = scanner.digits(2),
            scanner.take(0x54) || scanner.take(0x20), let hour = scanner.digits(2), scanner.take(0x3A),
            let minute = scanner.digits(2), scanner.take(0x3A), let second = scanner.digits(2)
        else { return false }
        guard yearDigits == 4 else { return true }
        var year: Int64 = 0
        for i in 0..<4 { year = year * 10 + Int64(bytes[i] - 0x30) }
        let dayExists = (1...12).contains(month) && (1...Timestamp.daysIn(month: month, year: year)).contains(day)
        return year == 0 || !dayExists || hour > 23 || minute > 59 || second > 59
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (a space may stand for the `T`; no zone
    /// means UTC; fraction digits beyond six are dropped). Returns nil for anything else, including
    /// out-of-range fields (Feb 30, 23:59:60, an offset of 24 hours) and moments outside the years
    /// 0001...9999 UTC.
    public static func parse<C: Collection>(_ bytes: C) -> Timestamp? where C.Element == UInt8 {
        Array(bytes).withUnsafeBufferPointer { buffer in
            var scanner = ByteScanner(buffer)
            return scanner.timestamp(requireEnd: true)
        }
    }

    /// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in seconds since the epoch.
    static let firstSecond = days(year: 1, month: 1, day: 1) * 86_400
    static let endSecond = days(year: 10000, month: 1, day: 1) * 86_400

    /// 28 to 31: February 29 only in a leap year (proleptic Gregorian). A date past the month's
    /// end (Feb 30) or a leap second (23:59:60, which Meltano's clock never prints) is not a time.
    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `days(year:month:day:)`.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    /// Division rounding towards negative infinity, so times before 1970 print correctly.
    func quotientAndRemainderFloored(dividingBy d: Int64) -> (Int64, Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: d)
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}

/// Reads fixed-format fields from the bytes of one line (valid only while those bytes are).
struct ByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    /// Exactly `count` ASCII digits as a number.
    mutating func digits(_ count: Int) -> Int64? {
        guard position + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for i in position..<(position + count) {
            let b = bytes[i]
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int64(b - 0x30)
        }
        position += count
        return value
    }

    /// An ISO 8601 timestamp starting at `position`; with `requireEnd`, nothing may follow it.
    mutating func timestamp(requireEnd: Bool) -> Timestamp? {
        if let layout = meltanoLayout(requireEnd: requireEnd) { return layout }
        guard let year = digits(4), take(0x2D), let month = digits(2), take(0x2D), let day = digits(2),
            take(0x54) || take(0x20), let hour = digits(2), take(0x3A), let minute = digits(2), take(0x3A),
            let second = digits(2),
            (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if take(0x2E) {
            var scale: Int64 = 100_000
            var count = 0
            while let b = current, b >= 0x30, b <= 0x39 {
                micros += Int64(b - 0x30) * scale
                scale /= 10
                count += 1
                position += 1
            }
            guard count > 0 else { return nil }
        }
        var offset: Int64 = 0
        if take(0x5A) {
            // Z: UTC
        } else if let sign = current, sign == 0x2B || sign == 0x2D {
            position += 1
            guard let oh = digits(2), take(0x3A), let om = digits(2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (sign == 0x2B ? 1 : -1)
        }
        if requireEnd && !atEnd { return nil }
        return Self.moment(year, month, day, hour, minute, second - offset, micros)
    }

    /// The layout Meltano prints, `2026-01-08T13:31:02.647435Z`, read at fixed offsets: nil when
    /// the bytes are not in it (then `timestamp` reads them field by field), `.some(nil)` when they
    /// are but name no moment. Every console line starts with one.
    private mutating func meltanoLayout(requireEnd: Bool) -> Timestamp?? {
        let p = position
        guard bytes.count - p >= 27, let base = bytes.baseAddress else { return nil }
        let b = base + p
        guard b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[26] == 0x5A,
            !requireEnd || bytes.count - p == 27
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in from..<(from + count) {
                let digit = b[i] &- 0x30
                guard digit < 10 else { return nil }
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let micros = number(20, 6)
        else { return nil }
        position = p + 27
        guard (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return .some(nil) }
        return .some(Self.moment(year, month, day, hour, minute, second, micros))
    }

    /// Years 0001...9999 in UTC only, so that `description` reads back as the same moment.
    private static func moment(
        _ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64, _ minute: Int64, _ second: Int64, _ micros: Int64
    ) -> Timestamp? {
        let days = Timestamp.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        guard seconds >= Timestamp.firstSecond, seconds < Timestamp.endSecond else { return nil }
        return Timestamp(microseconds: seconds * 1_000_000 + micros)
    }
}
