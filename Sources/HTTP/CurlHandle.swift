import CCurl
import Foundation
import Model

/// Why a request got no HTTP answer: curl's error, mapped to the causes the retry policy and the
/// report count.
public enum TransportFailure: String, Codable, Sendable, CaseIterable {
    /// The answer did not arrive within the total timeout (`CURLE_OPERATION_TIMEDOUT`).
    case timeout
    /// The connection was closed or reset mid-request (`CURLE_GOT_NOTHING`, send/recv errors).
    case reset
    /// Nothing accepted the connection (`CURLE_COULDNT_CONNECT`).
    case connect
    /// Anything else curl reports (bad URL, out of memory...): not retried.
    case other

    /// Maps a `CURLcode` to a cause.
    public static func from(curlCode code: CURLcode) -> TransportFailure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE: return .reset
        case CURLE_COULDNT_CONNECT: return .connect
        default: return .other
        }
    }
}

/// A curl error with curl's own text, for messages.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: UInt32
    public let failure: TransportFailure
    public let message: String

    init(_ code: CURLcode, detail: String = "") {
        self.code = code.rawValue
        self.failure = TransportFailure.from(curlCode: code)
        let text = String(cString: curl_easy_strerror(code))
        self.message = detail.isEmpty ? text : "\(text): \(detail)"
    }

    public var description: String { "curl error \(code) (\(failure.rawValue)): \(message)" }
}

/// One HTTP answer as the client sees it.
public struct ClientResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// One libcurl easy handle, reused for every request so that the connection is kept alive.
///
/// Not thread-safe (neither is a curl easy handle): one per worker thread. Options are set through
/// the `static inline` wrappers in `CCurl/shim.h`, since Swift cannot call the variadic
/// `curl_easy_setopt`.
public final class CurlHandle {
    /// `curl_global_init` is not thread-safe; a `static let` runs it exactly once.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    private let handle: UnsafeMutableRawPointer
    public let timeouts: CurlTimeouts
    /// The options the handle was set up with, for tests: option number → value set.
    public private(set) var optionsSet: [UInt32: Int] = [:]

    /// Response being received; the write and header callbacks append here through `Unmanaged`.
    private final class Sink {
        var body: [UInt8] = []
        var headers: [String: String] = [:]
    }
    private let sink = Sink()

    public init(timeouts: CurlTimeouts) throws {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw CurlError(CURLE_FAILED_INIT, detail: "curl_easy_init")
        }
        self.handle = handle
        self.timeouts = timeouts
        // NOSIGNAL: timeouts must not use SIGALRM in a multi-threaded process.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, timeouts.totalMilliseconds)
        try set(CURLOPT_TCP_NODELAY, 1)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        // Loopback only: no proxy from the environment may redirect the traffic.
        try check(simulate_curl_setopt_string(handle, CURLOPT_NOPROXY, "*"), "NOPROXY")
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(simulate_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        try check(simulate_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
        // Capture-free closures: C function pointers cannot capture; the context arrives as a pointer.
        try check(
            simulate_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let data, let context else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                let bytes = size * count
                data.withMemoryRebound(to: UInt8.self, capacity: bytes) {
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: bytes))
                }
                return bytes
            }, "WRITEFUNCTION")
        try check(
            simulate_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let data, let context else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                let bytes = size * count
                let line = data.withMemoryRebound(to: UInt8.self, capacity: bytes) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: bytes), as: UTF8.self)
                }
                if let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].lowercased()
                    sink.headers[name] = line[line.index(after: colon)...].trimmingCharacters(
                        in: .whitespacesAndNewlines)
                }
                return bytes
            }, "HEADERFUNCTION")
    }

    deinit { curl_easy_cleanup(handle) }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(simulate_curl_setopt_long(handle, option, value), "option \(option.rawValue)")
        optionsSet[option.rawValue] = value
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else { throw CurlError(code, detail: "setting \(what)") }
    }

    /// Sends one request and waits for its answer; a transport failure throws `CurlError`.
    ///
    /// `method` is GET, PUT or DELETE (any other verb is sent as given, without a body unless one
    /// is passed). `headers` are `Name: value` lines.
    public func perform(method: String, url: String, headers: [String] = [], body: [UInt8]? = nil) throws
        -> ClientResponse
    {
        sink.body.removeAll(keepingCapacity: true)
        sink.headers.removeAll(keepingCapacity: true)
        // Reset the verb from the previous request, then set this one's.
        try set(CURLOPT_HTTPGET, 1)
        try check(
            simulate_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method == "GET" ? nil : method), "CUSTOMREQUEST")
        try check(simulate_curl_setopt_string(handle, CURLOPT_URL, url), "URL")
        // "Expect:" stops curl from waiting for `100 Continue` before larger bodies.
        var list: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Expect:")
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        try check(simulate_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), "HTTPHEADER")
        if let body {
            try set(CURLOPT_POSTFIELDSIZE, body.count)
            // COPYPOSTFIELDS: curl keeps its own copy, so the Swift array need not outlive the call.
            // An empty body still needs a valid pointer; the size set above says 0 bytes.
            let bytes = body.isEmpty ? [0] : body
            let code = bytes.withUnsafeBytes { buffer in
                simulate_curl_setopt_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress!))
            }
            try check(code, "COPYPOSTFIELDS")
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw CurlError(code, detail: "\(method) \(url)") }
        var status = 0
        _ = simulate_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return ClientResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Connections curl opened for the last request (0 when it reused a kept-alive one).
    public var connectionsOpenedByLastRequest: Int {
        var count = 0
        _ = simulate_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &count)
        return count
    }
}
