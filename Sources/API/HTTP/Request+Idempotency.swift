import Auth
import Common
import Crypto
import FastCGIServer
import FoundationEssentials
import Storage

extension Request {
    /// The `Idempotency-Key` of a create request, scoped to `customerID` and bound to this
    /// request's method, path and body; 400 for a malformed key.
    func idempotencyKey(customerID: String) throws -> IdempotencyKey? {
        guard let key = header("idempotency-key") else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RequestError.invalidIdempotencyKey
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(method) \(path)\n".utf8))
        hasher.update(data: body)
        let hash = ByteEncoding.hex(hasher.finalize())
        return IdempotencyKey(customerID: customerID, key: key, requestHash: hash)
    }
}

extension StoredResponse {
    /// A stored answer as an HTTP response.
    var response: Response {
        Response(
            status: Status(code: status, reason: status < 300 ? "OK" : "Error"),
            headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    init(_ response: Response) {
        self.init(status: response.status.code, body: response.body)
    }
}
