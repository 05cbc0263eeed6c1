import Dispatch
import Glibc
import Testing

@testable import FastCGIServer

@Suite("Large bodies written as FastCGI STDOUT records")
struct StdoutRecordsTests {
    @Test func aHeaderNamesTheRequestAndTheLength() {
        #expect(StdoutRecords.header(requestID: 1, contentLength: 65_535) == [1, 6, 0, 1, 0xff, 0xff, 0, 0])
        #expect(StdoutRecords.header(requestID: 0x0102, contentLength: 0x0304) == [1, 6, 1, 2, 3, 4, 0, 0])
    }

    /// Writes `count` bytes through a socket pair (its buffer is far smaller than the body,
    /// so writes come back short while the reader catches up) and parses what arrives.
    private func roundTrip(_ count: Int) throws -> (records: [(type: UInt8, requestID: Int, content: [UInt8])], body: [UInt8]) {
        let body = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let reader = pair[1]
        let received = ReceivedBytes()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                received.append(buffer[0..<n])
            }
            done.signal()
        }
        let written = body.withUnsafeBytes { StdoutRecords.write($0, requestID: 7, to: pair[0]) }
        close(pair[0])
        done.wait()
        close(reader)
        #expect(written)

        var records: [(type: UInt8, requestID: Int, content: [UInt8])] = []
        var bytes = received.bytes[...]
        while bytes.count >= 8 {
            let header = Array(bytes.prefix(8))
            let length = Int(header[4]) << 8 | Int(header[5])
            #expect(header[0] == 1 && header[6] == 0)
            let content = Array(bytes.dropFirst(8).prefix(length))
            records.append((header[1], Int(header[2]) << 8 | Int(header[3]), content))
            bytes = bytes.dropFirst(8 + length)
        }
        #expect(bytes.isEmpty, "no partial record is left over")
        return (records, body)
    }

    @Test func aBodyArrivesWholeAndInOrderInRecordsOfAtMost64KB() throws {
        let (records, body) = try roundTrip(515_000)
        #expect(records.count == 8)
        #expect(records.allSatisfy { $0.type == 6 && $0.requestID == 7 && $0.content.count <= StdoutRecords.maxContent })
        #expect(records.flatMap(\.content) == body)
    }

    @Test func aBodyOfExactlyOneRecordIsOneRecord() throws {
        let (records, body) = try roundTrip(StdoutRecords.maxContent)
        #expect(records.count == 1)
        #expect(records.first?.content == body)
    }

    @Test func aClosedConnectionIsReportedNotRetried() {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        close(pair[1])
        signal(SIGPIPE, SIG_IGN)
        let body = [UInt8](repeating: 1, count: 100_000)
        #expect(!body.withUnsafeBytes { StdoutRecords.write($0, requestID: 1, to: pair[0]) })
        close(pair[0])
    }
}

/// Bytes appended by the reading thread, read once it has finished.
private final class ReceivedBytes: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    func append(_ more: ArraySlice<UInt8>) { bytes += more }
}
