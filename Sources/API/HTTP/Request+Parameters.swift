import FastCGIServer

/// Query parameters of the simpler kinds, each checked the same way: an empty value is the
/// same as none, a bad one is 400 `invalid_parameter` naming the parameter.
extension Request {
    /// A text parameter of at most `maxLength` characters.
    func textParameter(_ name: String, maxLength: Int = 200) throws(RequestError) -> String? {
        guard let text = query[name], !text.isEmpty else { return nil }
        // Counted in code points, as JSON Schema's maxLength counts (public/openapi.json).
        guard text.unicodeScalars.count <= maxLength else { throw .invalidParameter("\(name) is at most \(maxLength) characters") }
        return text
    }

    /// A whole number of at least 0, in decimal digits only.
    func countParameter(_ name: String) throws(RequestError) -> Int? {
        guard let text = query[name], !text.isEmpty else { return nil }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let value = Int(text) else {
            throw .invalidParameter("\(name) must be a whole number of at least 0")
        }
        return value
    }

    /// `true` or `false`.
    func flagParameter(_ name: String) throws(RequestError) -> Bool? {
        switch query[name] {
        case nil, "": return nil
        case "true": return true
        case "false": return false
        default: throw .invalidParameter("\(name) must be true or false")
        }
    }
}
