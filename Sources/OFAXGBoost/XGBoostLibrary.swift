import CXGBoost
import Foundation
import OFACore

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
