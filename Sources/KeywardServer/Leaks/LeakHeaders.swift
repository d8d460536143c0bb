import Hummingbird
import KeywardCore

/// Header names of the leak endpoints.
enum LeakHeaders {
    /// `HTTPField.Name`, reached through Hummingbird's `HTTPFields` without importing HTTPTypes.
    typealias Name = HTTPFields.Element.Name

    static let gitHubKeyIdentifier = Name("Github-Public-Key-Identifier")!
    static let gitHubKeySignature = Name("Github-Public-Key-Signature")!
    static let timestamp = Name(LeakReportSignature.timestampHeader)!
    static let signature = Name(LeakReportSignature.signatureHeader)!
    static let reporter = Name(LeakReportSignature.reporterHeader)!
}
