import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// The source API's shape: how many pages it serves per stream and how big its records are.
public struct SourceAPIConfig: Codable, Sendable, Equatable {
    /// Pages served per stream (`page` 0 ..< pages); later pages answer 404.
    public var pages: Int
    public var pageRecords: Int
    /// Approximate JSON bytes per record.
    public var recordBytes: Int

    public init(pages: Int, pageRecords: Int, recordBytes: Int) {
        self.pages = pages
        self.pageRecords = pageRecords
        self.recordBytes = recordBytes
    }
}

/// The request context: Hummingbird's basic one plus the channel, which a dropped connection closes.
struct LoopbackContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// What the loopback server answers, and its fault injection:
/// - `GET /api/<stream>/records?page=N`: one page of records (`x-record-count` header);
/// - `GET|PUT|DELETE /state/<state id>/state.json` and `/state/<state id>/lock`: the object store,
///   with `If-None-Match: *` and `If-Match: <etag>` preconditions (412 when they fail), `ETag`,
///   `x-updated-at` and `x-meta-*` user metadata on reads.
public final class ServerRoutes: @unchecked Sendable {
    public let source: SourceAPIConfig
    public let faults: FaultPlan
    public let store = ObjectStore()

    private let lock = NSLock()
    private var counts: [Endpoint: EndpointStats] = [:]
    private var arrivals: UInt64 = 0
    private var stopping = false
    /// One record's filler, built once: pages are made per request from it.
    private let filler: String

    static let keyHeader = HTTPField.Name(RetryingClient.keyHeader)!
    static let objects: Set<String> = ["state.json", "lock"]

    init(source: SourceAPIConfig, faults: FaultPlan) {
        self.source = source
        self.faults = faults
        // {"id":123456,"updated_at":"2026-01-08T00:00:00Z","payload":""} is about 64 bytes.
        filler = String(repeating: "x", count: max(0, source.recordBytes - 64))
    }

    var stats: [Endpoint: EndpointStats] { lock.withLock { counts } }

    /// Makes held-back (stalled or slow) answers return at once, so a stop is never delayed.
    func beginStopping() { lock.withLock { stopping = true } }

    func respond(to request: Request, context: LoopbackContext) async throws -> Response {
        let path = request.uri.path
        let endpoint: Endpoint
        if path.hasPrefix("/api/") {
            endpoint = .api
        } else if path.hasPrefix("/state/") {
            endpoint = .state
        } else {
            return Response(status: .notFound)
        }
        let ordinal = lock.withLock {
            arrivals += 1
            return arrivals
        }
        let decision = faults.decide(endpoint: endpoint, key: request.headers[Self.keyHeader], fallbackOrdinal: ordinal)
        count(endpoint) { stats in
            stats.requests += 1
            switch decision.action {
            case .serverError: stats.serverErrors += 1
            case .stall: stats.stalls += 1
            case .drop: stats.drops += 1
            case .answer: break
            }
        }
        await hold(milliseconds: decision.latencyMilliseconds)
        switch decision.action {
        case .serverError:
            return Response(status: .serviceUnavailable)
        case .drop:
            // Close before anything is written: the client sees the connection end without an answer.
            context.channel.close(promise: nil)
            return Response(status: .serviceUnavailable)
        case .answer, .stall:
            let response = endpoint == .api ? page(request) : try await object(request)
            if decision.action == FaultAction.stall { await hold(milliseconds: faults.stallMilliseconds) }
            return response
        }
    }

    private func count(_ endpoint: Endpoint, _ update: (inout EndpointStats) -> Void) {
        lock.withLock { update(&counts[endpoint, default: EndpointStats()]) }
    }

    /// Sleeps in short steps so that a stop cuts it short.
    private func hold(milliseconds: Double) async {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, milliseconds) * 1e6)
        while !lock.withLock({ stopping }) {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < end else { return }
            try? await Task.sleep(nanoseconds: min(end - now, 10_000_000))
        }
    }

    private func answer(
        _ status: HTTPResponse.Status, _ bytes: [UInt8] = [], headers: HTTPFields = [:], endpoint: Endpoint
    ) -> Response {
        count(endpoint) { $0.bytesSent += bytes.count }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /api/<stream>/records?page=N`.
    private func page(_ request: Request) -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        guard request.method == .get, parts.count == 4, parts[3] == "records", !parts[2].isEmpty,
            let number = request.uri.queryParameters["page"].flatMap({ Int($0) }), number >= 0, number < source.pages
        else {
            return Response(status: .notFound)
        }
        let stream = String(parts[2])
        var text = "{\"stream\":\"\(stream)\",\"page\":\(number),\"records\":["
        text.reserveCapacity(source.pageRecords * (source.recordBytes + 2) + 64)
        for r in 0..<source.pageRecords {
            let id = number * source.pageRecords + r
            text +=
                (r == 0 ? "" : ",") + "{\"id\":\(id),\"updated_at\":\"2026-01-08T00:00:00Z\",\"payload\":\"\(filler)\"}"
        }
        text += "],\"next_page\":" + (number + 1 < source.pages ? "\(number + 1)" : "null") + "}"
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("x-record-count")!] = String(source.pageRecords)
        return answer(.ok, Array(text.utf8), headers: headers, endpoint: .api)
    }

    /// `GET|PUT|DELETE /state/<state id>/<state.json|lock>`.
    private func object(_ request: Request) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[2].isEmpty, Self.objects.contains(String(parts[3])) else {
            return Response(status: .notFound)
        }
        let key = "\(parts[2])/\(parts[3])"
        let ifMatch = request.headers[.ifMatch]
        switch request.method {
        case .get:
            guard let object = store.get(key) else { return answer(.notFound, endpoint: .state) }
            var headers = HTTPFields()
            headers[.eTag] = object.etag
            headers[HTTPField.Name("x-updated-at")!] = object.updatedAt
            for (name, value) in object.metadata { if let field = HTTPField.Name(name) { headers[field] = value } }
            return answer(.ok, object.body, headers: headers, endpoint: .state)
        case .put:
            var request = request
            let buffer = try await request.collectBody(upTo: 16 << 20)
            var metadata: [String: String] = [:]
            for field in request.headers where field.name.canonicalName.hasPrefix("x-meta-") {
                metadata[field.name.canonicalName] = field.value
            }
            let result = store.put(
                key, body: Array(buffer.readableBytesView), metadata: metadata,
                ifNoneMatch: request.headers[.ifNoneMatch], ifMatch: ifMatch,
                now: StorageTimestamp.format(Date()))
            return written(result)
        case .delete:
            return written(store.delete(key, ifMatch: ifMatch))
        default:
            return answer(.methodNotAllowed, endpoint: .state)
        }
    }

    private func written(_ result: ObjectStore.WriteResult) -> Response {
        var headers = HTTPFields()
        switch result {
        case .created(let etag):
            headers[.eTag] = etag
            return answer(.created, headers: headers, endpoint: .state)
        case .replaced(let etag):
            headers[.eTag] = etag
            return answer(.ok, headers: headers, endpoint: .state)
        case .preconditionFailed: return answer(.preconditionFailed, endpoint: .state)
        case .notFound: return answer(.notFound, endpoint: .state)
        case .deleted: return answer(.noContent, endpoint: .state)
        }
    }
}
