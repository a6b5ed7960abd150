/// The control room's operator token (config `http.operatorToken` or `http.operatorTokenFile`): with it, the
/// daemon answers `POST /v1/cohorts/NAME/advance|pause|rollback`; without it every POST is 403.
/// Its description never shows the secret (a config printed in a log line stays safe).
public struct OperatorToken: Sendable, Hashable, CustomStringConvertible {
    private let secret: [UInt8]

    /// The fewest characters a token may have: shorter ones are guessable.
    public static let minimumLength = 16

    /// A token from its text (the loader checks `minimumLength`).
    public init(_ text: String) { secret = Array(text.utf8) }

    /// Whether `presented` is the token, comparing in time independent of where they differ.
    public func matches(_ presented: String) -> Bool {
        let p = Array(presented.utf8)
        var diff = UInt8(p.count == secret.count ? 0 : 1)
        for i in 0..<secret.count { diff |= secret[i] ^ (i < p.count ? p[i] : 0) }
        return diff == 0
    }

    /// `(set)`: never the secret.
    public var description: String { "(set)" }
}
