import Glibc

/// A large response body written straight to the web server's connection as FastCGI
/// `STDOUT` records of up to 64 KB, in one `writev` per batch of records.
///
/// libfcgi copies a body into its 8 KB buffer and writes one 8 KB record at a time: a
/// 5,000-seat map (~500 KB) took ~64 writes, and nginx read it in as many small pieces.
/// The caller flushes libfcgi's stream first (so the records stay in order) and lets libfcgi
/// write the closing records afterwards.
enum StdoutRecords {
    /// The most content one record carries (the header's length field is 16 bits).
    static let maxContent = 65_535
    /// Bodies at least this large are worth writing this way.
    static let threshold = 32 * 1024
    /// Vectors one `writev` takes at most (Linux's IOV_MAX).
    private static let maxVectors = 1024

    /// The 8-byte header of a `STDOUT` record of `contentLength` bytes (no padding).
    static func header(requestID: Int, contentLength: Int) -> [UInt8] {
        precondition(contentLength <= maxContent)
        return [
            1, 6,  // FCGI_VERSION_1, FCGI_STDOUT
            UInt8(truncatingIfNeeded: requestID >> 8), UInt8(truncatingIfNeeded: requestID),
            UInt8(truncatingIfNeeded: contentLength >> 8), UInt8(truncatingIfNeeded: contentLength),
            0, 0,
        ]  // padding length, reserved
    }

    /// Writes `body` as records of request `requestID` to `descriptor`, retrying short
    /// writes. False if the connection failed (the web server went away).
    static func write(_ body: UnsafeRawBufferPointer, requestID: Int, to descriptor: Int32) -> Bool {
        guard let base = body.baseAddress else { return true }
        let chunks = stride(from: 0, to: body.count, by: maxContent).map { ($0, min(maxContent, body.count - $0)) }
        var headers = chunks.flatMap { header(requestID: requestID, contentLength: $0.1) }
        return headers.withUnsafeMutableBytes { headerBytes in
            var vectors: [iovec] = []
            for (index, (offset, length)) in chunks.enumerated() {
                vectors.append(iovec(iov_base: headerBytes.baseAddress! + index * 8, iov_len: 8))
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base + offset), iov_len: length))
            }
            return writeAll(&vectors, to: descriptor)
        }
    }

    /// `writev` until every vector is out, dropping what a short write took.
    private static func writeAll(_ vectors: inout [iovec], to descriptor: Int32) -> Bool {
        var first = 0
        while first < vectors.count {
            let count = Int32(min(vectors.count - first, maxVectors))
            let written = vectors.withUnsafeBufferPointer { writev(descriptor, $0.baseAddress! + first, count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            var left = written
            while first < vectors.count, left >= vectors[first].iov_len {
                left -= vectors[first].iov_len
                first += 1
            }
            if left > 0 {
                vectors[first].iov_base += left
                vectors[first].iov_len -= left
            }
        }
        return true
    }
}
