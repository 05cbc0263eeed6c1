internal import CZlib

/// gzip (RFC 1952) through zlib, for a body served many times over: the seat map of a
/// version is compressed once by the worker instead of by nginx on every request.
enum Gzip {
    /// `bytes` compressed at `level` (1, the fastest, as nginx's `gzip_comp_level 1`: a
    /// 5,000-seat map ~500 KB -> ~40 KB in ~2 ms); nil if zlib fails.
    static func compress(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
        var stream = z_stream()
        guard booking_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))))
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)  // deflateBound leaves room to finish in one call
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
