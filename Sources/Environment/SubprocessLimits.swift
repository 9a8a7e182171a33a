extension Subprocess {
    /// How long a child may run and how much it may print (on each of stdout and stderr) before
    /// it is stopped with everything it started. Each kind of call has its own; the environment
    /// variables `SIMULATE_CHILD_TIMEOUT` (seconds) and `SIMULATE_CHILD_OUTPUT_LIMIT` (bytes)
    /// replace them for every call (a test that needs a hang to end in seconds sets them).
    public struct Limits: Equatable, Sendable {
        public var seconds: Double
        public var outputBytes: Int

        public init(seconds: Double, outputBytes: Int) {
            self.seconds = seconds
            self.outputBytes = outputBytes
        }

        /// A question put to an interpreter (its `sys.path`, its Meltano version): a minute, 1 MiB.
        public static let query = Limits(seconds: 60, outputBytes: 1 << 20)
        /// A long step (the calibration, the release probe, making a virtual environment and
        /// installing a release into it): an hour, 16 MiB.
        public static let step = Limits(seconds: 3600, outputBytes: 16 << 20)

        public static let timeVariable = "SIMULATE_CHILD_TIMEOUT"
        public static let outputVariable = "SIMULATE_CHILD_OUTPUT_LIMIT"

        /// These limits with the ones `environment` sets in their place; the reason when a set
        /// one is not a positive whole number.
        func applying(_ environment: [String: String]) throws(Failure.Reason) -> Limits {
            func setting(_ variable: String) throws(Failure.Reason) -> Int? {
                guard let text = environment[variable], !text.isEmpty else { return nil }
                guard text.utf8.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text),
                    value > 0
                else { throw .badSetting(variable: variable, value: text) }
                return value
            }
            var limits = self
            if let seconds = try setting(Self.timeVariable) { limits.seconds = Double(seconds) }
            if let bytes = try setting(Self.outputVariable) { limits.outputBytes = bytes }
            return limits
        }

        /// "60 s", "1.5 s".
        static func describe(seconds: Double) -> String {
            seconds == seconds.rounded() && seconds < 1e15 ? "\(Int(seconds)) s" : "\(seconds) s"
        }

        /// "16 MiB" when it is whole mebibytes, else "N bytes".
        static func describe(bytes: Int) -> String {
            bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
        }
    }
}
