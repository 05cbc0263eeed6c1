internal import CFastCGI
import FoundationEssentials
import Glibc

/// Adapts one libfcgi request to our `Request`/`Response` types.
struct FastCGIExchange {
    let request: UnsafeMutablePointer<FCGX_Request>

    /// Reads the CGI parameters and at most `maxBody` bytes of body. A larger declared body
    /// is not read at all; the request is marked so the application answers 413.
    func readRequest(maxBody: Int) -> Request {
        var params: [String: String] = [:]
        if var env = request.pointee.envp {
            while let entry = env.pointee {
                // "NAME=value", split on bytes: a String's index walk would segment graphemes.
                let length = strlen(entry)
                entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                    let pair = UnsafeBufferPointer(start: bytes, count: length)
                    if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                        params[String(decoding: UnsafeBufferPointer(rebasing: pair[..<equals]), as: UTF8.self)] =
                            String(decoding: UnsafeBufferPointer(rebasing: pair[(equals + 1)...]), as: UTF8.self)
                    }
                }
                env += 1
            }
        }
        let declared = Int(params["CONTENT_LENGTH"] ?? "") ?? 0
        var body: [UInt8] = []
        var tooLarge = declared > maxBody
        if declared > 0 && !tooLarge {
            body = [UInt8](repeating: 0, count: declared)
            let read = body.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: declared) {
                    FCGX_GetStr($0, Int32(declared), request.pointee.in)
                }
            }
            body.removeSubrange(Int(max(read, 0))...)
        }
        if declared < 0 { tooLarge = true }
        if !tooLarge { drainInput() }
        return Request(params: params, body: body, bodyTooLarge: tooLarge)
    }

    /// Reads the rest of the body stream up to its end record (a well-formed request has no
    /// more than its declared length), so that nothing unread is left on the connection and
    /// `close` alone ends it cleanly: libfcgi's close otherwise half-closes and waits in `poll`
    /// until the web server closes its end, a context switch per request.
    private func drainInput() {
        while FCGX_GetChar(request.pointee.in) != EOF {}
        request.pointee.detached = 1
    }

    /// Sends what is buffered and ends the request (the web server has the whole response);
    /// `FCGX_Finish_r` then only closes the connection.
    func endResponse() {
        FCGX_FClose(request.pointee.err)
        FCGX_FClose(request.pointee.out)
    }

    /// Writes a CGI-style response (the `Status:` header, then headers, then the body): the
    /// head through libfcgi's `FCGX_PutStr` (`FCGX_FPrintF` is variadic, not callable from
    /// Swift), a large body as `StdoutRecords`. With `omitBody` (HEAD) the Content-Length is
    /// still the body's, as RFC 9110 (8.6) requires of a HEAD answer that has one; nginx does
    /// not wait for a body after a HEAD. A 204 or 304 has none (8.6 forbids it on a 204, and
    /// on a 304 it would have to be the length of the 200).
    func write(_ response: Response, omitBody: Bool) {
        var head = "Status: \(response.status.code) \(response.status.reason)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        if response.status != .noContent && response.status != .notModified {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += "\r\n"
        let out = request.pointee.out
        var headBytes = Array(head.utf8)
        headBytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = FCGX_PutStr($0, Int32(buffer.count), out)
            }
        }
        guard !omitBody, !response.body.isEmpty else { return }
        if response.body.count >= StdoutRecords.threshold {
            // The head first, through libfcgi, so that the records go out in order.
            guard FCGX_FFlush(out) == 0 else { return }
            let written = response.body.withUnsafeBytes {
                StdoutRecords.write($0, requestID: Int(request.pointee.requestId), to: request.pointee.ipcFd)
            }
            // A connection that failed midway must carry nothing more: libfcgi's closing
            // records would be read as part of the body.
            if !written { shutdown(request.pointee.ipcFd, Int32(SHUT_RDWR)) }
            return
        }
        response.body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                _ = FCGX_PutStr($0, Int32(buffer.count), out)
            }
        }
    }
}
