import CXGBoost
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

/// Library-wide facts and the lock that serializes XGBoost calls that are not thread-safe.
public enum XGBoostLibrary {
    /// The linked library's version, e.g. "1.7.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        XGBoostVersion(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// Training, model loading and saving go through this lock: XGBoost documents them as not
    /// thread-safe. Prediction on a loaded booster does not take it.
    static let lock = NSLock()

    /// Runs a C API call and turns a non-zero status into ``XGBoostError/library(call:message:)``
    /// with the calling thread's last error message.
    /// XGBoost appends a native stack trace to its messages; an error is one line for the user.
    /// Its time stamp and source position (`[16:19:15] ./src/common/json.cc:407: `) are left out:
    /// they change between runs and tell the user nothing.
    static func firstLine(_ message: String) -> String {
        var line = Substring(message.split(whereSeparator: \.isNewline).first ?? Substring(message))
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            line = line[line.index(after: close)...].drop { $0 == " " }
            // "./src/common/json.cc:407: " or "/path/file.h:12: "
            if let colon = line.firstIndex(of: ":"), line[..<colon].contains("."),
               let next = line[line.index(after: colon)...].firstIndex(of: ":"),
               line[line.index(after: colon)..<next].allSatisfy(\.isNumber) {
                line = line[line.index(after: next)...].drop { $0 == " " }
            }
        }
        return String(line).printable
    }

    @inline(__always)
    static func check(_ status: Int32, _ call: StaticString) throws(XGBoostError) {
        if status != 0 {
            throw .library(call: "\(call)", message: Self.firstLine(String(cString: XGBGetLastError())))
        }
    }
}
