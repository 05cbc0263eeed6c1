import Foundation

extension Request {
    /// Decodes the JSON body as `T`. 415 for another content type, 400 for malformed JSON
    /// or wrong types, naming the field.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard let contentType = header("content-type")?.lowercased(),
              contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == "application/json"
        else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        do {
            return try JSON.decoder.decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid_body", Self.describe(error))
        }
    }

    private static func describe(_ error: DecodingError) -> String {
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
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "the body could not be read"
        }
    }
}
