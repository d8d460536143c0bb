import Hummingbird
import KeywardCore

/// An error shown to a dashboard user as a page (never JSON, never internals).
struct DashboardError: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var message: String

    static func badRequest(_ message: String) -> DashboardError { DashboardError(status: .badRequest, title: "Bad request", message: message) }
    static func notFound(_ message: String) -> DashboardError { DashboardError(status: .notFound, title: "Not found", message: message) }
    static let readOnly = DashboardError(
        status: .forbidden, title: "Read-only credential",
        message: "You signed in with a read-only credential (keyward:read). Changes need keyward:write or keyward:admin.")
    static let notFromHere = DashboardError(
        status: .forbidden, title: "Not from this address",
        message: "The key you signed in with is not accepted from your address (its allowed networks). Use the dashboard from a network the key allows.")
    static let rateLimited = DashboardError(
        status: .tooManyRequests, title: "Too many requests",
        message: "The key you signed in with has spent its rate limit for now. Wait a moment and reload.")
    static let tooManyFailures = DashboardError(
        status: .tooManyRequests, title: "Too many failed sign-ins",
        message: "Too many failed sign-ins from your address are still being answered. Wait a few seconds and try again.")
    static let csrf = DashboardError(
        status: .forbidden, title: "Form expired",
        message: "This form did not carry a valid anti-forgery token. Go back, reload the page and try again.")

    /// The page for any error a handler threw: keyward's own errors keep their message;
    /// anything else is a 500 that names no internals.
    static func from(_ error: any Error) -> DashboardError {
        switch error {
        case let error as DashboardError: return error
        case let error as KeywardError:
            switch error {
            case .invalidArgument(let message): return .badRequest(message)
            case .notFound(let message): return .notFound(message)
            case .conflict(let message): return DashboardError(status: .conflict, title: "Not possible", message: message)
            case .forbidden(let message): return DashboardError(status: .forbidden, title: "Forbidden", message: message)
            }
        case let error as APIError: return DashboardError(status: error.status, title: error.status.reasonPhrase, message: error.message)
        case let error as HTTPError where error.status == .notFound: return .notFound("There is no such page.")
        default: return DashboardError(status: .internalServerError, title: "Something went wrong", message: "The server could not show this page; its log has the details.")
        }
    }
}
