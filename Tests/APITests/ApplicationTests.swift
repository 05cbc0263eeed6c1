import Common
import Foundation
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime

@Suite("The application answers in-process")
struct ApplicationTests {
    static func makeApplication() throws -> Application {
        let directory = NSTemporaryDirectory() + "app-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = try Configuration(environment: ["BOOKING_DATA_DIR": directory])
        return Application(services: try Services(configuration: configuration, log: Logger(component: "test"), routes: Routes.names))
    }

    func get(_ path: String, method: String = "GET", body: [UInt8] = [], tooLarge: Bool = false) throws -> (Int, [String: Any]) {
        let app = try Self.makeApplication()
        let response = app.respond(to: Request(params: ["REQUEST_METHOD": method, "REQUEST_URI": path], body: body, bodyTooLarge: tooLarge))
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status.code, json)
    }

    func errorCode(_ json: [String: Any]) -> String? { (json["error"] as? [String: Any])?["code"] as? String }

    @Test func healthIsOK() throws {
        let (status, json) = try get("/api/health")
        #expect(status == 200)
        #expect(json["status"] as? String == "ok")
    }

    @Test func readinessNamesWhatFailsAndByHowMuch() throws {
        let app = try TestApp()
        let ready = app.request("GET", "/api/health/ready")
        #expect(ready.status == 200 && ready["status"] as? String == "ready")
        let names = (ready["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["notifier", "mail", "disk"], "no nchan or replica configured here")
        // No notifier round for 31 s: not ready, and the notifier is what failed.
        app.advanceClock(by: 31)
        let stale = app.request("GET", "/api/health/ready")
        #expect(stale.status == 503 && stale["status"] as? String == "not_ready")
        let failing = (stale["checks"] as? [[String: Any]])?.filter { $0["ok"] as? Bool == false }
        #expect(failing?.map { $0["name"] as? String } == ["notifier"])
        #expect(failing?.first?["value"] as? Double == 31 && failing?.first?["limit"] as? Double == 30)
        #expect(app.request("GET", "/api/health").status == 200, "liveness is another question")
    }

    @Test func unknownRoutesAre404InTheErrorFormat() throws {
        let (status, json) = try get("/api/unknown")
        #expect(status == 404)
        #expect(errorCode(json) == "not_found")
    }

    @Test func aWrongMethodIs405() throws {
        let (status, json) = try get("/api/health", method: "PATCH")
        #expect(status == 405)
        #expect(errorCode(json) == "method_not_allowed")
    }

    @Test func anOversizedBodyIs413() throws {
        let (status, json) = try get("/api/health", method: "GET", tooLarge: true)
        #expect(status == 413)
        #expect(errorCode(json) == "body_too_large")
    }
}
