import ArgumentParser
import Foundation
import Model

/// Every way a subcommand ends other than success, and the exit status each has: declared once,
/// here, and printed once, by `main.swift`. (swift-argument-parser's own usage errors keep its 64.)
enum SimulateExit: Error {
    /// A scenario, flag or file that cannot be used: one line, exit 2, nothing written.
    case badInput(String)
    /// Any other failure: one line, exit 1.
    case failure(String)
    /// The run ended but not every invocation did: the report says INCOMPLETE, exit 3.
    case incomplete
    /// `compare`: a change beyond the threshold and the noise, exit 5 (apart from "cannot compare", 2).
    case regression
    /// `compare`: only improvements, exit 4.
    case improvement

    /// The process's exit status.
    var status: Int32 {
        switch self {
        case .failure: return 1
        case .badInput: return 2
        case .incomplete: return 3
        case .improvement: return 4
        case .regression: return 5
        }
    }

    /// The line printed on stderr, after `simulate: `; nil when the output already said it.
    var message: String? {
        switch self {
        case .badInput(let text), .failure(let text): return text
        case .incomplete, .regression, .improvement: return nil
        }
    }

    /// A file the tool writes (`OutputFile`) that was not written, named by its flag and path: a path
    /// that cannot take a file is bad input (exit 2), a write that failed is a failure (exit 1).
    static func writing(_ problem: OutputFile.Problem, flag: String, path: String) -> SimulateExit {
        switch problem {
        case .refused(let why): return .badInput("\(flag) \(path): \(why)")
        case .failed(let why): return .failure("\(flag) \(path): \(why)")
        }
    }

    /// Prints the message (if any) and ends the process with the status.
    func exit() -> Never {
        if let message { FileHandle.standardError.write(Data("simulate: \(message)\n".utf8)) }
        Foundation.exit(status)
    }
}
