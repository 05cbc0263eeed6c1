import Common
import FastCGIServer
import FoundationEssentials

extension Request {
    /// Decodes the JSON body as `T`. 415 for another content type, 400 for malformed JSON
    /// or wrong types, naming the field.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard let contentType = header("content-type")?.lowercased(),
            contentType.split(separator: ";").first?.trimmingWhitespace == "application/json"
        else {
            throw RequestError.unsupportedMediaType
        }
        do {
            return try JSON.decode(T.self, from: body)
        } catch is JSON.Malformed {
            throw RequestError.malformedBody("the body is not valid JSON")
        } catch let error as DecodingError {
            throw RequestError.malformedBody(Self.describe(error, body: body))
        }
    }

    private static func describe(_ error: DecodingError, body: [UInt8]) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "body" : names.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context): return "\(path(context)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context)) must not be null"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "body" ? "" : parent + ".")\(key.stringValue) is required"
        case .dataCorrupted(let context):
            guard context.codingPath.isEmpty else { return "\(path(context)): \(context.debugDescription)" }
            // The body is well-formed (checked first): JSONDecoder reports some bad values
            // (1.5 for an integer, 1e400) without a path.
            return "a value has the wrong type or is out of range"
        @unknown default: return "the body could not be read"
        }
    }
}
