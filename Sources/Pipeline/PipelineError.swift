/// A failure of the simulator itself (not a simulated Meltano error), with a one-line message.
public struct PipelineError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
