import Foundation
import OFACore

/// A failure reported by the XGBoost library, or a model directory that does not fit its use.
public enum XGBoostError: Error, Equatable, CustomStringConvertible {
    /// The C API returned an error; `call` names the function, `message` is XGBGetLastError's text.
    case library(call: String, message: String)
    /// Arguments that do not fit (e.g. a data buffer whose size is not rows × columns).
    case invalidArgument(String)
    /// A model directory that cannot be read or does not match its use (names file and field).
    case model(path: String, reason: String)
    /// A prediction requested at a resolution the model cannot answer.
    case resolutionOutOfRange(resolution: Int, seen: [Int], model: String)

    /// Control characters from a damaged file are escaped: the message stays one readable line.
    public var description: String { text.printable }

    private var text: String {
        switch self {
        case let .library(call, message): "XGBoost \(call) failed: \(message)"
        case let .invalidArgument(why): why
        case let .model(path, reason): "\(path): \(reason)"
        case let .resolutionOutOfRange(r, seen, model):
            "resolution \(r) is outside the resolutions \(model) was trained on (\(seen.first ?? 0)...\(seen.last ?? 0)); allow extrapolation explicitly to predict there"
        }
    }
}
