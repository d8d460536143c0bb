import Foundation
import Hummingbird
import KeywardAPI
import KeywardCore
import NIOCore

/// An error answer in the fixed shape `{"error":{"code":"…","message":"…"}}`.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"error":{"code":"#.utf8)
        JSONValue.writeString(code, into: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONValue.writeString(message, into: &out)
        out.append(contentsOf: "}}".utf8)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: out)))
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_request", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }

    /// Maps any error to the answer a client should see. Unknown errors become a 500 whose
    /// message names no internals (they are logged instead).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as KeywardError:
            switch error {
            case .invalidArgument(let message): return APIError(.badRequest, code: "invalid_request", message: message)
            case .notFound(let message): return APIError(.notFound, code: "not_found", message: message)
            case .conflict(let message): return APIError(.conflict, code: "conflict", message: message)
            case .forbidden(let message): return APIError(.forbidden, code: "forbidden", message: message)
            }
        case let error as DecodingError: return .badRequest(Self.describe(error))
        case let error as NIOTooManyBytesError:
            // A chunked body has no Content-Length to refuse it by: it fails while being collected.
            let limit = error.maxBytes.map { " of \($0) bytes" } ?? ""
            return APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than the server's limit\(limit)")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge:
                return APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than the server's limit")
            case .notFound: return APIError(.notFound, code: "not_found", message: "no such route")
            case .methodNotAllowed: return APIError(.methodNotAllowed, code: "method_not_allowed", message: "method not allowed on this route")
            default: return APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
            }
        default:
            return APIError(.internalServerError, code: "internal", message: "internal error; see the server log")
        }
    }

    /// Turns a DecodingError into a sentence naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return text.isEmpty ? "body" : "field '\(text)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context, key))"
        case .typeMismatch(let type, let context): return "\(path(context)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context): return "\(path(context)) must be \(Self.typeName(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "body is not valid JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "invalid request body"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        case is [String].Type: return "an array of strings"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a valid value"
        }
    }
}

/// Renders every error as the JSON error shape, including the router's own 404 and 413.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string(String(describing: error))])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
