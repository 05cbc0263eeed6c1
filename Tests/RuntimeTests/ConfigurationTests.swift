import Common
import Testing

@testable import Runtime

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test func defaultsAreTheProductionOnes() throws {
        let configuration = try Configuration(environment: [:])
        #expect(configuration.synchronous == .full)
        #expect(configuration.holdTTL == 600)
        #expect(configuration.argon2MemoryKiB == 19456)
        #expect(configuration.paymentDeclineRate == 0)
    }

    @Test(arguments: [
        ["BOOKING_WORKERS": "zero"],
        ["BOOKING_WORKERS": "0"],
        ["BOOKING_SYNCHRONOUS": "OFF"],
        ["BOOKING_PAYMENT_DECLINE_RATE": "2"],
        ["BOOKING_SOCKET_MODE": "999"],
        ["BOOKING_HOLD_TTL": "-1"],
        ["BOOKING_LOG_LEVEL": "verbose"],
    ])
    func aBadValueIsAClearErrorNamingTheSetting(environment: [String: String]) {
        do {
            _ = try Configuration(environment: environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.description.contains(environment.keys.first!))
        }
    }

    @Test func valuesAreRead() throws {
        let configuration = try Configuration(environment: ["BOOKING_SYNCHRONOUS": "normal", "BOOKING_HOLD_TTL": "30", "BOOKING_WORKERS": "3"])
        #expect(configuration.synchronous == .normal)
        #expect(configuration.holdTTL == 30)
        #expect(configuration.workers == 3)
        #expect(try Configuration(environment: ["BOOKING_LOG_LEVEL": "Error"]).logLevel == .error)
        #expect(try Configuration(environment: [:]).logLevel == .info)
    }

    @Test func aBookingVariableThatNoSettingReadsIsReportedAsUnknown() throws {
        let configuration = try Configuration(environment: [
            "BOOKING_HOLD_TTLL": "30", "BOOKING_HOLD_TTL": "30", "BOOKING_MAIL_DIR": "/tmp/mail", "HOME": "/root", "BOOKING_WORKER": "2",
        ])
        #expect(configuration.unknownSettings == ["BOOKING_HOLD_TTLL", "BOOKING_WORKER"])
        #expect(try Configuration(environment: ["BOOKING_REPLICA": "/srv/replica", "BOOKING_LOG_LEVEL": "info"]).unknownSettings.isEmpty)
    }
}

@Suite("The settings file the operator commands read")
struct SettingsFileTests {
    @Test func linesAreReadAsSystemdReadsThem() throws {
        let text = "# a comment\n; another\n\nBOOKING_DATA_DIR=\"/srv/booking\"\nBOOKING_MAIL_FROM='tickets@example.org'\n BOOKING_WORKERS = 4 \n"
        #expect(
            try SettingsFile.parse(text, path: "f") == [
                "BOOKING_DATA_DIR": "/srv/booking", "BOOKING_MAIL_FROM": "tickets@example.org", "BOOKING_WORKERS": "4",
            ])
    }

    @Test(arguments: ["BOOKING_DATA_DIR", "=x", "A B=1"])
    func aMalformedLineIsAnErrorNamingIt(line: String) {
        #expect(throws: ConfigurationError.self) { try SettingsFile.parse("# fine\n" + line, path: "f") }
    }

    @Test func theProcessEnvironmentWinsAndAMissingDefaultFileIsNoError() throws {
        #expect(try SettingsFile.environment(over: ["BOOKING_ENV_FILE": "/dev/null", "X": "1"]) == ["BOOKING_ENV_FILE": "/dev/null", "X": "1"])
        #expect(throws: ConfigurationError.self) { try SettingsFile.environment(over: ["BOOKING_ENV_FILE": "/nonexistent/booking.env"]) }
    }
}
