// What wraps every route: errors as JSON `{"error": …}` with the right status (404 vs 405 decided by
// whether the path exists), and one structured log line plus metrics per request.

import AskDocsEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1

/// An error the API reports with its own status and message.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Reply.json(ErrorBody(error: message), status: status, extraHeaders: headers)
    }
}

struct ErrorBody: Codable, Equatable {
    var error: String
}

/// Turns anything a route throws into the API's JSON error shape; a path that exists under another
/// method answers 405 with `Allow`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path → the methods it answers.
    let routes: [String: [HTTPRequest.Method]]
    let health: ServerHealth

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let path = request.uri.path
            if error.status == .notFound, let methods = routes[path] {
                var headers = HTTPFields()
                headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
                return Reply.json(ErrorBody(error: "\(request.method.rawValue) is not allowed on \(path); use \(headers[.allow]!)"),
                                         status: .methodNotAllowed, extraHeaders: headers)
            }
            let message: String
            switch error.status {
            case .notFound: message = "no such endpoint: \(path) (see /openapi.json)"
            case .contentTooLarge: message = APIRoutes.oversizedBody
            default: message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            }
            return Reply.json(ErrorBody(error: message), status: error.status)
        } catch let error as HTTPParserError {
            // A malformed body (a chunk size "zz") is the client's mistake, and a body cut off by the
            // read deadline (or a client gone mid-body) is too: neither is an internal error.
            if case .invalidEOFState = error {
                return Reply.json(ErrorBody(error: "the request body did not arrive in time"), status: .requestTimeout)
            }
            return Reply.json(ErrorBody(error: "malformed request: \(error)"), status: .badRequest)
        } catch {
            let (status, message) = Self.publicFailure(error)
            if Engine.failure(of: error) != .damaged || health.noteDamage(error) {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return Reply.json(ErrorBody(error: message), status: status)
        }
    }

    /// What a client is told when the engine fails: the kind of failure and that the operator has the
    /// details in the log, never a file path or SQL.
    static func publicFailure(_ error: Error) -> (HTTPResponse.Status, String) {
        switch Engine.failure(of: error) {
        case .damaged:
            return (.serviceUnavailable, "the index is damaged; the operator must rebuild it (askdocs index --full); see /healthz")
        case .busy:
            return (.serviceUnavailable, "the index is busy; try again shortly")
        case .unusable(let kind):
            return (.serviceUnavailable, "the index cannot be used right now (\(kind)); the server log has the details")
        case .other:
            return (.internalServerError, "internal error; the server log has the details")
        }
    }
}

/// One log line per request (method, route, status, milliseconds; never query text or bodies) and the
/// request counters and latency histogram of `/metrics`.
struct RequestAccountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code,
                              duration: elapsed)
        // logfmt in the message itself: a metadata dictionary per request cost more than the request.
        if context.logger.logLevel <= .info {
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            context.logger.info("method=\(request.method.rawValue) route=\(route) status=\(response.status.code) us=\(micros)")
        }
        return response
    }
}

/// Responses with a body: JSON values, or text of a given type (the page, the spec, metrics).
enum Reply {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok,
                                extraHeaders: HTTPFields = [:]) -> Response {
        text(JSONOutput.encode(value), status: status, extraHeaders: extraHeaders)
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:],
                     contentType: String = "application/json; charset=utf-8") -> Response {
        var headers = extraHeaders
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
