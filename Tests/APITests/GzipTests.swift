import CZlib
import Common
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime

/// Inflates a gzip stream with zlib, as a client would.
private func gunzip(_ bytes: [UInt8]) -> [UInt8]? {
    var stream = z_stream()
    guard booking_inflate_init_gzip(&stream) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var input = bytes
    return input.withUnsafeMutableBufferPointer { inputBuffer -> [UInt8]? in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = UInt32(inputBuffer.count)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.avail_out))
            }
            output += chunk[0..<produced]
            if status == Z_STREAM_END { return stream.avail_in == 0 ? output : nil }
            guard status == Z_OK else { return nil }
        }
    }
}

@Suite("gzip bodies")
struct GzipTests {
    @Test func aSeatMapSizedBodyComesBackWholeAndMuchSmaller() throws {
        let body = Array((0..<5000).map { "{\"id\":\"stalls-\($0)\",\"row\":\"\($0 / 200)\",\"state\":\"available\"}," }.joined().utf8)
        let gzipped = try #require(Gzip.compress(body))
        #expect(Array(gzipped.prefix(2)) == [0x1f, 0x8b], "a gzip header, not zlib's")
        #expect(gzipped.count * 5 < body.count)
        #expect(gunzip(gzipped) == body)
    }

    @Test func incompressibleAndEmptyBodiesStillRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(gunzip(try #require(Gzip.compress(noise))) == noise)
        #expect(gunzip(try #require(Gzip.compress([]))) == [])
    }
}

@Suite("Which clients take gzip (Accept-Encoding)")
struct AcceptEncodingTests {
    @Test(arguments: [
        ("gzip", true), ("gzip, deflate, br", true), ("GZIP", true), ("x-gzip", true), ("br;q=1.0, gzip;q=0.8", true),
        ("*", true), ("identity, *;q=0.5", true), ("gzip;q=0.001", true), (" gzip ; q = 1 ", true),
        ("", false), ("identity", false), ("br, deflate", false), ("gzip;q=0", false), ("gzip;q=0.000", false),
        ("*, gzip;q=0", false), ("*;q=0", false), ("gzip;q=2", false), ("gzip;q=abc", false), ("gzip;q=0.0001", false),
        ("gzip;q=-1", false), ("gzip;q=nan", false), ("gzipped", false),
        // Listed twice: the first listing counts, as in nginx (which compresses otherwise).
        ("gzip;q=0.5, gzip;q=0", true), ("gzip;q=0, gzip", false), ("*;q=0, *, gzip;q=0", false),
    ])
    func decides(header: String, accepted: Bool) {
        let request = Request(params: ["HTTP_ACCEPT_ENCODING": header], body: [])
        #expect(request.acceptsGzip == accepted, "Accept-Encoding: \(header)")
    }

    @Test func noHeaderMeansNoGzip() {
        #expect(!Request(params: [:], body: []).acceptsGzip)
    }
}

@Suite("Cached bodies and their gzip copy")
struct ResponseCacheGzipTests {
    @Test func theCompressedCopyIsMadeForTheCachedTagOnly() throws {
        var cache = ResponseCache(capacity: 2)
        let body = Array(String(repeating: "{\"state\":\"available\"},", count: 400).utf8)
        cache.store(body, for: "arena/e1", etag: "\"7-0\"")
        let newerVersion = cache.gzippedBody(for: "arena/e1", etag: "\"8-0\"")
        let otherEvent = cache.gzippedBody(for: "arena/e2", etag: "\"7-0\"")
        #expect(newerVersion == nil && otherEvent == nil, "only the cached version of the cached event")
        let made = cache.gzippedBody(for: "arena/e1", etag: "\"7-0\"")
        let gzipped = try #require(made)
        #expect(gunzip(gzipped) == body)
        let again = cache.gzippedBody(for: "arena/e1", etag: "\"7-0\"")
        #expect(again == gzipped)
        cache.store(Array("{}".utf8), for: "arena/e1", etag: "\"8-0\"")
        let replaced = cache.gzippedBody(for: "arena/e1", etag: "\"7-0\"")
        #expect(replaced == nil, "replaced by the next version")
    }

    @Test func aShortBodyIsLeftAlone() {
        var cache = ResponseCache(capacity: 2)
        cache.store(Array(repeating: UInt8(ascii: "a"), count: ResponseCache.gzipMinimumLength - 1), for: "k", etag: "\"1-0\"")
        let gzipped = cache.gzippedBody(for: "k", etag: "\"1-0\"")
        #expect(gzipped == nil)
    }
}
