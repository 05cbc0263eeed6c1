import Auth
import Booking
import Common
import Foundation
import Storage
import Testing

@testable import API

/// The on-sale queue (API.md, "On-sale queue"): joining with a proof of work, the one draw at
/// the sales start, admission round by round, and the pass that holds and one-call bookings
/// of a queued event need. The notifier's rounds are run here by hand.
@Suite final class QueueSpec {
    let t: TestApp
    let organizer, alice, bob: Account
    let show: Show
    let salesStart: Int

    init() throws {
        t = try TestApp(environment: ["BOOKING_QUEUE_DIFFICULTY": "8"])
        organizer = try t.register(role: "organizer")
        (alice, bob) = (try t.register(), try t.register())
        salesStart = t.now + 600
        show = try t.show(
            owner: organizer,
            fields: [
                "salesStartAt": Self.time(salesStart),
                "queue": ["opensAt": Self.time(t.now - 60), "admitPerMinute": 60, "passMinutes": 10],
            ])
    }

    static func time(_ seconds: Int) -> String { RFC3339.string(from: Date(timeIntervalSince1970: Double(seconds))) }

    var queuePath: String { show.path + "/queue" }

    /// Joins with a solved challenge.
    func join(_ account: Account) throws -> TestResponse {
        let read = t.request("GET", queuePath, as: account)
        let challenge = try #require(read["challenge", "value"] as? String)
        let difficulty = try #require(read["challenge", "difficulty"] as? Int)
        let nonce = ProofOfWork.solve(challenge: challenge, account: account.id, difficulty: difficulty)
        return t.request("POST", queuePath, json: ["nonce": nonce], as: account)
    }

    /// One admission round, as the notifier runs it.
    func round() throws {
        let id = try #require(VenueID(show.venue))
        let store = try #require(try t.services.venues.store(id))
        _ = try store.advanceQueue(show.event, now: t.now, rules: try t.services.waitingRoom().step)
    }

    @Test func theEventShowsItsQueueAndAnEventWithoutOneShowsNull() throws {
        let event = t.request("GET", show.path)
        #expect(event["event", "queue", "admitPerMinute"] as? Int == 60)
        #expect(event["event", "queue", "passMinutes"] as? Int == 10)
        let plain = try t.show(owner: organizer)
        let body = t.request("GET", plain.path)
        #expect(body["event", "queue"] is NSNull, "\(body)")
        #expect(t.request("GET", plain.path + "/queue").status == 404)
    }

    @Test func joinersBeforeTheSalesWaitUnnumberedAndOneAccountHasOnePlace() throws {
        let first = try join(alice)
        #expect(first.status == 201, "\(first)")
        #expect(first["entry", "state"] as? String == "waiting")
        #expect(first["entry", "position"] is NSNull, "\(first)")
        let again = try join(alice)
        #expect(again.status == 200, "\(again)")
        let read = t.request("GET", queuePath, as: alice)
        #expect(read["queue", "state"] as? String == "pre")
        #expect(read["queue", "length"] as? Int == 1)
        #expect(read["entry", "state"] as? String == "waiting")
    }

    @Test func aWrongProofIsRefusedAndJoinsNothing() throws {
        let refused = t.request("POST", queuePath, json: ["nonce": "not-the-work"], as: alice)
        // 1 in 256 that a made-up nonce solves difficulty 8: the nonce below was checked not to.
        if !ProofOfWork.verify(
            nonce: "not-the-work", event: show.event, account: alice.id, difficulty: 8, now: t.now, keys: try t.services.waitingRoom().keys)
        {
            #expect(refused.status == 422 && refused.errorCode == "bad_proof", "\(refused)")
            #expect(t.request("GET", queuePath)["queue", "length"] as? Int == 0)
        }
        // A proof solved for bob does not serve alice.
        let challenge = try #require(t.request("GET", queuePath)["challenge", "value"] as? String)
        let bobs = ProofOfWork.solve(challenge: challenge, account: bob.id, difficulty: 8)
        if !ProofOfWork.verify(nonce: bobs, event: show.event, account: alice.id, difficulty: 8, now: t.now, keys: try t.services.waitingRoom().keys)
        {
            #expect(t.request("POST", queuePath, json: ["nonce": bobs], as: alice).errorCode == "bad_proof")
        }
    }

    @Test func holdsAndOneCallBookingsNeedThePassAndTheSeatMapStaysReadable() throws {
        _ = try join(alice)
        _ = try join(bob)
        t.advanceClock(by: 600)
        let refused = t.requestHold(alice, show, ga: 1)
        #expect(refused.status == 403 && refused.errorCode == "queue_required", "\(refused)")
        let oneCall = t.requestBooking(alice, show, ga: 1)
        #expect(oneCall.status == 403 && oneCall.errorCode == "queue_required", "\(oneCall)")
        #expect(t.request("GET", show.path + "/seats").status == 200)

        try round()  // the draw
        let drawn = [alice, bob].map { t.request("GET", queuePath, as: $0)["entry", "position"] as? Int }
        #expect(Set(drawn.compactMap { $0 }) == [1, 2])
        t.advanceClock(by: 1)
        try round()  // one a second at 60 a minute
        #expect(t.request("GET", queuePath)["queue", "nowServing"] as? Int == 1)
        t.advanceClock(by: 1)
        try round()

        let entry = t.request("GET", queuePath, as: alice)
        #expect(entry["entry", "state"] as? String == "admitted", "\(entry)")
        let pass = try #require(entry["entry", "pass"] as? String)
        let bobsPass = try #require(t.request("GET", queuePath, as: bob)["entry", "pass"] as? String)
        let stolen = t.requestHold(alice, show, ga: 1, headers: ["Queue-Pass": bobsPass])
        #expect(stolen.status == 403 && stolen.errorCode == "invalid_pass", "\(stolen)")
        let forged = t.requestHold(alice, show, ga: 1, headers: ["Queue-Pass": String(pass.dropLast(3)) + "AAA"])
        #expect(forged.status == 403 && forged.errorCode == "invalid_pass", "\(forged)")
        #expect(try t.gaAvailable(show) == ["floor": 3], "nothing was held by the refused requests")

        let held = t.requestHold(alice, show, ga: 1, headers: ["Queue-Pass": pass])
        #expect(held.status == 201, "\(held)")
        // Paying a hold needs no pass: admission was checked when it was made.
        #expect(t.pay(alice, show, hold: try #require(held["hold", "id"] as? String)).status == 201)
        #expect(t.requestBooking(alice, show, ga: 1, headers: ["Queue-Pass": pass]).status == 201)

        t.advanceClock(by: 600)
        let expired = t.requestHold(alice, show, ga: 1, headers: ["Queue-Pass": pass])
        #expect(expired.status == 403 && expired.errorCode == "invalid_pass", "\(expired)")
        #expect(t.request("GET", queuePath, as: alice)["entry", "state"] as? String == "expired")
    }

    @Test func theOrganizerPausesResumesAndSetsTheRate() throws {
        for account in [alice, bob] { _ = try join(account) }
        t.advanceClock(by: 600)
        try round()
        let paused = t.request("PATCH", queuePath, json: ["paused": true], as: organizer)
        #expect(paused.status == 200 && paused["queue", "state"] as? String == "paused", "\(paused)")
        t.advanceClock(by: 30)
        try round()
        #expect(t.request("GET", queuePath)["queue", "nowServing"] as? Int == 0)
        let resumed = t.request("PATCH", queuePath, json: ["paused": false, "admitPerMinute": 120], as: organizer)
        #expect(resumed["queue", "state"] as? String == "open" && resumed["queue", "admitPerMinute"] as? Int == 120)
        t.advanceClock(by: 1)
        try round()
        #expect(t.request("GET", queuePath)["queue", "nowServing"] as? Int == 2, "two a second; the pause earned nothing")
        #expect(t.request("PATCH", queuePath, json: ["paused": true], as: alice).status == 403)
        let bad = t.request("PATCH", queuePath, json: ["admitPerMinute": -5], as: organizer)
        #expect(bad.status == 422 && bad.errorCode == "validation_failed", "\(bad)")
    }

    @Test func joiningBeforeTheOpeningIsRefused() throws {
        let later = try t.show(
            owner: organizer,
            fields: [
                "salesStartAt": Self.time(t.now + 7200),
                "queue": ["opensAt": Self.time(t.now + 3600), "admitPerMinute": 0, "passMinutes": 5],
            ])
        let refused = t.request("POST", later.path + "/queue", json: ["nonce": "1"], as: alice)
        #expect(refused.status == 409 && refused.errorCode == "queue_not_open", "\(refused)")
        // Before the queue opens, holds are refused by the sales window, not by the queue.
        #expect(t.requestHold(alice, later, ga: 1).errorCode == "not_on_sale")
    }

    @Test func aQueueThatOpensAfterTheSalesStartIsRefused() throws {
        let response = t.request(
            "POST", "/api/venues/\(show.venue)/events",
            json: [
                "title": "Late", "startsAt": "2030-06-01T19:00:00Z", "currency": "EUR", "prices": ["stalls": 1, "floor": 1],
                "salesStartAt": Self.time(t.now + 60), "queue": ["opensAt": Self.time(t.now + 120), "admitPerMinute": 10, "passMinutes": 5],
            ], as: organizer)
        #expect(response.status == 422 && response.errorCode == "validation_failed", "\(response)")
    }
}
