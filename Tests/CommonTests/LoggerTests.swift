import Common
import Glibc
import Testing

@Suite("Log lines")
struct LoggerTests {
    @Test func underSystemdEachLineStartsWithTheSyslogPriorityJournaldReads() {
        let log = Logger(component: "booking-fcgi", prefixesPriority: true)
        #expect(log.line(.error, "refund failed", ["payment": "p_1"], at: 0).hasPrefix("<3>{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"error\""))
        #expect(log.line(.warning, "slow", [:], at: 0).hasPrefix("<4>{"))
        #expect(log.line(.info, "request", [:], at: 0).hasPrefix("<6>{"))
        #expect(log.line(.debug, "detail", [:], at: 0).hasPrefix("<7>{"))
    }

    @Test func elsewhereALineIsOneJSONObject() {
        let line = Logger(component: "cli", prefixesPriority: false).line(.info, "say \"hi\"", ["k": "v\n"], at: 0)
        #expect(line == "{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"info\",\"component\":\"cli\",\"msg\":\"say \\\"hi\\\"\",\"k\":\"v\\n\"}\n")
    }

    @Test func aThresholdKeepsTheLessImportantLinesOut() {
        let log = Logger(component: "x", threshold: .warning, prefixesPriority: false)
        #expect(log.logs(.error) && log.logs(.warning))
        #expect(!log.logs(.info) && !log.logs(.debug))
    }

    @Test func levelsAreNamedAsBookingLogLevelTakesThem() {
        #expect(Logger.Level.allCases.map(\.name) == ["error", "warning", "info", "debug"])
        #expect(Logger.Level(name: "WARNING") == .warning)
        #expect(Logger.Level(name: "notice") == nil)
    }

    @Test func theJournalIsRecognisedByTheDeviceAndInodeSystemdNames() throws {
        let path = "/tmp/logger-test-\(getpid())"
        let descriptor = open(path, O_CREAT | O_RDWR, 0o600)
        defer {
            close(descriptor)
            unlink(path)
        }
        var status = stat()
        #expect(fstat(descriptor, &status) == 0)
        #expect(Logger.isJournalStream("\(status.st_dev):\(status.st_ino)", descriptor: descriptor))
        #expect(!Logger.isJournalStream("\(status.st_dev):\(status.st_ino + 1)", descriptor: descriptor), "stderr redirected elsewhere")
        #expect(!Logger.isJournalStream(nil, descriptor: descriptor))
        #expect(!Logger.isJournalStream("garbage", descriptor: descriptor))
    }
}
