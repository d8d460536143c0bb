import KeywardCore

/// AWS's query protocol for IAM: `POST /` with a form body `Action=…&Version=2010-05-08&…`,
/// signed with SigV4 for service `iam`, answered in XML (`<ActionResponse><ActionResult>…`) or
/// `<ErrorResponse><Error><Code>…`.
struct AWSQueryClient: Sendable {
    static let version = "2010-05-08"

    let http: ConnectorHTTP
    let signer: SigV4Signer
    let endpoint: String
    let clock: any WallClock

    /// Throttling that IAM reports in a 400 body rather than with 429.
    static let retryPolicy = RetryPolicy(isThrottled: { response in
        guard response.status == 400 else { return false }
        let text = response.text
        return text.contains("<Code>Throttling</Code>") || text.contains("<Code>ThrottlingException</Code>")
            || text.contains("<Code>RequestLimitExceeded</Code>")
    })

    enum Answer {
        /// The `<ActionResult>` element (or the whole response for actions without one).
        case result(AWSXML)
        case error(AWSErrorAnswer)
    }

    /// Calls `action`; an error answer is returned, not thrown (the caller knows which codes
    /// matter). Throws when no answer came or it was not XML.
    func call(_ action: String, _ parameters: [(String, String)] = [], label: String? = nil) async throws -> Answer {
        let body = ([("Action", action), ("Version", Self.version)] + parameters)
            .map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&")
        let request = ConnectorRequest(method: "POST", url: endpoint + "/",
                                       headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                       body: Array(body.utf8), label: label ?? action)
        let signer = self.signer
        let clock = self.clock
        let response = try await http.send(request) { request in signer.sign(&request, at: clock.now()) }
        if response.isSuccess {
            let root = try AWSXML.parse(response.body)
            return .result(root["\(action)Result"] ?? root)
        }
        return .error(AWSErrorAnswer(response: response))
    }

    /// Calls `action` and returns its result, or throws ``ConnectorError/failed(_:)`` with the error.
    func require(_ action: String, _ parameters: [(String, String)] = [], label: String? = nil) async throws -> AWSXML {
        switch try await call(action, parameters, label: label) {
        case .result(let result): return result
        case .error(let error): throw ConnectorError.failed(["\(label ?? action): \(error)"])
        }
    }
}

/// An IAM error answer: status, `Code` and `Message`.
struct AWSErrorAnswer: Sendable, CustomStringConvertible {
    var status: Int
    var code: String
    var message: String

    init(response: ConnectorResponse) {
        status = response.status
        let root = try? AWSXML.parse(response.body)
        code = root?.value("Error", "Code") ?? "HTTP\(response.status)"
        message = String((root?.value("Error", "Message") ?? "").prefix(300))
    }

    var description: String { message.isEmpty ? "HTTP \(status) \(code)" : "HTTP \(status) \(code): \(message)" }
}
