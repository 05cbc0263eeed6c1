import Common
import Foundation
import Testing

@testable import API
@testable import FastCGIServer
@testable import Runtime

/// Bookings a worker takes together (`Application.respond(toAll:)`) get the answers they
/// could have had sent at the same moment to different workers: each step of the payment
/// lifecycle runs for all of them before the next step, each in its own savepoint.
@Suite("Bookings answered together")
struct BookingBatchTests {
    let app: Application

    init() throws {
        let directory = NSTemporaryDirectory() + "batch-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Cheap password hashing: these tests are about bookings.
        let configuration = try Configuration(environment: [
            "BOOKING_DATA_DIR": directory, "BOOKING_ARGON2_MEMORY_KIB": "64",
            "BOOKING_ARGON2_ITERATIONS": "1",
        ])
        app = Application(services: try Services(configuration: configuration, log: Logger(component: "test"), routes: Routes.names))
    }

    func request(_ method: String, _ path: String, token: String? = nil, key: String? = nil, json: Any? = nil) -> Request {
        var params = ["REQUEST_METHOD": method, "REQUEST_URI": path, "CONTENT_TYPE": "application/json"]
        if let token { params["HTTP_AUTHORIZATION"] = "Bearer " + token }
        if let key { params["HTTP_IDEMPOTENCY_KEY"] = key }
        let body = json.map { [UInt8](try! JSONSerialization.data(withJSONObject: $0)) } ?? []
        return Request(params: params, body: body)
    }

    func decoded(_ response: Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    func register(_ name: String, role: String = "customer") throws -> String {
        let response = app.respond(
            to: request(
                "POST", "/api/auth/register",
                json: [
                    "email": "\(name)-\(UUID().uuidString.prefix(8))@example.com", "password": "correct horse battery", "name": name, "role": role,
                ]))
        try #require(response.status.code == 201, "\(String(decoding: response.body, as: UTF8.self))")
        return decoded(response)["token"] as! String
    }

    /// A venue with five seats in one row and three GA places, and an event on sale.
    func venueWithEvent(_ id: String, organizer: String) throws -> String {
        let venue = app.respond(
            to: request(
                "POST", "/api/venues", token: organizer,
                json: [
                    "id": id, "name": "Hall", "timezone": "Europe/Paris",
                    "layout": [
                        "sections": [
                            ["id": "stalls", "name": "Stalls", "kind": "seated", "rows": [["label": "A", "seats": 5]]],
                            ["id": "floor", "name": "Floor", "kind": "ga", "capacity": 3],
                        ]
                    ],
                ]))
        try #require(venue.status.code == 201)
        let event = app.respond(
            to: request(
                "POST", "/api/venues/\(id)/events", token: organizer,
                json: [
                    "title": "Show", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR", "prices": ["stalls": 4500, "floor": 2000],
                ]))
        try #require(event.status.code == 201)
        return (decoded(event)["event"] as! [String: Any])["id"] as! String
    }

    func seatStates(_ venue: String, _ event: String) -> [String: String] {
        let seats = decoded(app.respond(to: request("GET", "/api/venues/\(venue)/events/\(event)/seats")))["seats"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: seats.map { ($0["id"] as! String, $0["state"] as! String) })
    }

    @Test func eachBookingGetsItsOwnAnswer() throws {
        let organizer = try register("org", role: "organizer")
        let (alice, bob, carol, dave, eve) = (
            try register("alice"), try register("bob"), try register("carol"), try register("dave"),
            try register("eve")
        )
        let hall = try venueWithEvent("hall", organizer: organizer)
        let annex = try venueWithEvent("annex", organizer: organizer)
        func book(
            _ token: String, venue: String = "hall", event: String, seats: [String] = [], ga: Int = 0,
            card: String = "tok_ok", key: String? = nil
        ) -> Request {
            var body: [String: Any] = ["eventId": event, "payment": ["method": "test", "token": card]]
            if !seats.isEmpty { body["seats"] = seats }
            if ga > 0 { body["ga"] = [["section": "floor", "quantity": ga]] }
            return request("POST", "/api/venues/\(venue)/bookings", token: token, key: key, json: body)
        }
        let batch = [
            book(alice, event: hall, seats: ["stalls-A-1"]),
            book(bob, event: hall, seats: ["stalls-A-2", "stalls-A-1"]),  // A-1 is alice's: nothing held
            book(carol, event: hall, seats: ["stalls-A-3"], card: "tok_decline"),
            request("GET", "/api/health"),
            book(dave, event: hall, seats: ["stalls-A-4"], key: "dave-1"),
            book(eve, event: hall, seats: ["stalls-A-3"]),  // carol's payment holds it until her decline
            book(bob, venue: "annex", event: annex, ga: 2),
            book(carol, event: hall, ga: 4),  // more than the floor holds
            book(alice, event: hall, seats: ["stalls-A-9"]),  // no such seat
            request("POST", "/api/venues/hall/bookings", token: bob, json: ["eventId": hall]),  // no payment
            book("not-a-token", event: hall, seats: ["stalls-A-5"]),
        ]
        let responses = app.respond(toAll: batch)
        #expect(responses.map(\.status.code) == [201, 409, 402, 200, 201, 409, 201, 409, 422, 400, 401])
        let taken = decoded(responses[1])["error"] as? [String: Any]
        #expect((taken?["details"] as? [String: Any])?["seats"] as? [String] == ["stalls-A-1"])
        #expect(
            seatStates("hall", hall) == [
                "stalls-A-1": "sold", "stalls-A-2": "available", "stalls-A-3": "available",
                "stalls-A-4": "sold", "stalls-A-5": "available",
            ])

        // The keyed booking was stored with its key: a repeat alone replays it.
        let repeated = app.respond(to: batch[4])
        #expect(repeated.status.code == 201)
        #expect(repeated.body == responses[4].body)

        // Every customer sees exactly their own bookings.
        let mine = decoded(app.respond(to: request("GET", "/api/bookings", token: bob)))["bookings"] as? [[String: Any]] ?? []
        #expect(mine.map { $0["venueId"] as? String } == ["annex"])
        let carols = decoded(app.respond(to: request("GET", "/api/bookings", token: carol)))["bookings"] as? [[String: Any]] ?? []
        #expect(carols.isEmpty)
    }

    @Test func holdsPaidTogetherAreConfirmedOrGivenBackToTheirOwners() throws {
        let organizer = try register("org", role: "organizer")
        let event = try venueWithEvent("hall", organizer: organizer)
        let (alice, bob) = (try register("alice"), try register("bob"))
        func hold(_ token: String, _ seat: String) throws -> String {
            let response = app.respond(to: request("POST", "/api/venues/hall/events/\(event)/holds", token: token, json: ["seats": [seat]]))
            try #require(response.status.code == 201)
            return (decoded(response)["hold"] as! [String: Any])["id"] as! String
        }
        let (alices, bobs) = (try hold(alice, "stalls-A-1"), try hold(bob, "stalls-A-2"))
        func pay(_ token: String, _ holdID: String, card: String = "tok_ok") -> Request {
            request("POST", "/api/venues/hall/bookings", token: token, json: ["holdId": holdID, "payment": ["method": "test", "token": card]])
        }
        let responses = app.respond(toAll: [pay(alice, alices), pay(bob, bobs, card: "tok_decline"), pay(alice, bobs)])
        #expect(responses.map(\.status.code) == [201, 402, 404])
        #expect(
            seatStates("hall", event) == [
                "stalls-A-1": "sold", "stalls-A-2": "held", "stalls-A-3": "available",
                "stalls-A-4": "available", "stalls-A-5": "available",
            ])
        // Bob's hold is his again after the decline: he pays it with another card.
        #expect(app.respond(to: pay(bob, bobs)).status.code == 201)
    }

    @Test func holdsTakenTogetherClaimEachSeatOnce() throws {
        let organizer = try register("org", role: "organizer")
        let event = try venueWithEvent("hall", organizer: organizer)
        let (alice, bob, carol) = (try register("alice"), try register("bob"), try register("carol"))
        func hold(_ token: String, _ body: [String: Any]) -> Request {
            request("POST", "/api/venues/hall/events/\(event)/holds", token: token, json: body)
        }
        let responses = app.respond(toAll: [
            hold(alice, ["seats": ["stalls-A-1", "stalls-A-2"]]),
            hold(bob, ["seats": ["stalls-A-2"]]),
            hold(carol, ["ga": [["section": "floor", "quantity": 3]]]),
            hold(bob, ["ga": [["section": "floor", "quantity": 1]]]),
            request(
                "POST", "/api/venues/hall/bookings", token: bob,
                json: [
                    "eventId": event, "seats": ["stalls-A-3"],
                    "payment": ["method": "test"],
                ]),
        ])
        #expect(responses.map(\.status.code) == [201, 409, 201, 409, 201])
        #expect(
            seatStates("hall", event) == [
                "stalls-A-1": "held", "stalls-A-2": "held", "stalls-A-3": "sold",
                "stalls-A-4": "available", "stalls-A-5": "available",
            ])
    }

    @Test func bookingsAreNotBatchedWhenChargesTakeTime() throws {
        let directory = NSTemporaryDirectory() + "batch-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let slow = Application(
            services: try Services(
                configuration: try Configuration(environment: [
                    "BOOKING_DATA_DIR": directory, "BOOKING_PAYMENT_LATENCY_MS": "50",
                ]), log: Logger(component: "test"), routes: Routes.names))
        let booking = request("POST", "/api/venues/hall/bookings", json: [:])
        let hold = request("POST", "/api/venues/hall/events/e_1/holds", json: [:])
        #expect(app.route(booking).takesBatches && app.route(hold).takesBatches)
        #expect(!slow.route(booking).takesBatches, "each booking of a batch would wait for the others' charges")
        #expect(slow.route(hold).takesBatches)
    }

    @Test func aBatchOfBookingsForOneSeatSellsItOnce() throws {
        let organizer = try register("org", role: "organizer")
        let event = try venueWithEvent("hall", organizer: organizer)
        let customers = try (0..<8).map { try register("c\($0)") }
        let responses = app.respond(
            toAll: customers.map { token in
                request(
                    "POST", "/api/venues/hall/bookings", token: token,
                    json: ["eventId": event, "seats": ["stalls-A-5"], "payment": ["method": "test", "token": "tok_ok"]])
            })
        #expect(responses.map(\.status.code) == [201] + Array(repeating: 409, count: 7))
        #expect(seatStates("hall", event)["stalls-A-5"] == "sold")
    }
}
