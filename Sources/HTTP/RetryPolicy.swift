import Model

extension RetryPolicy {
    /// The cause to retry for a transport failure, or nil when retrying cannot help.
    public static func cause(failure: TransportFailure) -> RetryCause? {
        switch failure {
        case .timeout: return .timeout
        case .reset: return .reset
        case .connect: return .connect
        case .other: return nil
        }
    }
}
