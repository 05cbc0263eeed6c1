import Foundation
import Testing

/// Accounts and sessions (API.md, "Accounts"): who may register, with what, and how a
/// session starts and ends.
@Suite struct AccountsSpec {
    let t: TestApp

    init() throws { t = try TestApp() }

    func register(_ fields: [String: String]) -> TestResponse {
        let body = ["email": "new-\(UUID().uuidString.prefix(8))@example.com", "password": TestApp.password, "name": "New"]
        return t.request("POST", "/api/auth/register", json: body.merging(fields) { $1 })
    }

    func login(_ email: String, _ password: String) -> TestResponse {
        t.request("POST", "/api/auth/login", json: ["email": email, "password": password])
    }

    @Test func registeringIs201WithTheUserATokenACSRFTokenAndASafeCookie() throws {
        let response = register(["email": "Alice.Smith@Example.com", "name": "Alice"])
        #expect(response.status == 201, "\(response)")
        #expect(response["user", "email"] as? String == "alice.smith@example.com")
        #expect(response["user", "role"] as? String == "customer", "customer unless asked")
        #expect(response["user", "name"] as? String == "Alice" && response["user", "id"] is String)
        let token = try #require(response["token"] as? String)
        let csrf = try #require(response["csrfToken"] as? String)
        #expect(token.count >= 43 && !csrf.isEmpty && csrf != token)
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains(token))
        let me = t.request("GET", "/api/me", headers: ["Authorization": "Bearer " + token])
        #expect(me.status == 200 && me["user", "email"] as? String == "alice.smith@example.com", "\(me)")
    }

    @Test func anOrganizerMayRegisterAsOne() {
        let response = register(["role": "organizer"])
        #expect(response.status == 201 && response["user", "role"] as? String == "organizer", "\(response)")
    }

    @Test func anEmailRegistersOnlyOnceWhateverItsCase() throws {
        let first = try t.register()
        let again = register(["email": first.email.uppercased()])
        #expect(again.status == 409 && again.errorCode == "email_taken", "\(again)")
    }

    @Test func aPasswordOfFewerThan10CharactersIs422WeakPassword() {
        let weak = register(["password": "123456789"])
        #expect(weak.status == 422 && weak.errorCode == "weak_password", "\(weak)")
        #expect(register(["password": "1234567890"]).status == 201, "10 characters are enough")
    }

    @Test(arguments: ["admin", "superuser", ""])
    func registeringWithAnyRoleButCustomerOrOrganizerIs422(role: String) {
        let refused = register(["role": role])
        #expect(refused.status == 422 && refused.errorCode == "invalid_role", "\(refused)")
    }

    @Test func aBadEmailOrNameIs422() {
        let email = register(["email": "not-an-email"])
        #expect(email.status == 422 && email.errorCode == "invalid_email", "\(email)")
        for name in ["", String(repeating: "x", count: 201)] {
            let refused = register(["name": name])
            #expect(refused.status == 422 && refused.errorCode == "validation_failed", "\(refused)")
        }
    }

    @Test func loggingInGivesANewWorkingSession() throws {
        let account = try t.register()
        let session = try t.login(account)
        #expect(session.id == account.id && session.token != account.token)
        #expect(t.request("GET", "/api/me", as: session).status == 200)
        let browser = t.request("GET", "/api/me", headers: ["Cookie": session.cookie])
        #expect(browser.status == 200 && browser["csrfToken"] as? String == session.csrfToken, "\(browser)")
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSame401InvalidCredentials() throws {
        let account = try t.register()
        let wrong = login(account.email, "wrong password!!")
        let unknown = login("nobody-\(UUID().uuidString.prefix(8))@example.com", "wrong password!!")
        #expect(wrong.status == 401 && wrong.errorCode == "invalid_credentials", "\(wrong)")
        #expect(unknown.status == wrong.status && unknown.sameJSON(as: wrong), "\(unknown) vs \(wrong)")
        #expect(wrong.header("Set-Cookie") == nil && wrong["token"] == nil)
    }

    @Test func anonymousRequestsToMeAre401() {
        let me = t.request("GET", "/api/me")
        #expect(me.status == 401 && me.errorCode == "unauthenticated", "\(me)")
    }

    @Test func logoutEndsThatSessionsToken() throws {
        let account = try t.register()
        let other = try t.login(account)
        let logout = t.request("POST", "/api/auth/logout", as: account)
        #expect(logout.status == 204, "\(logout)")
        #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true, "the cookie is cleared")
        let me = t.request("GET", "/api/me", as: account)
        #expect(me.status == 401 && me.errorCode == "invalid_token", "\(me)")
        #expect(t.request("GET", "/api/me", headers: ["Cookie": account.cookie]).status == 401, "nor as a cookie")
        #expect(t.request("GET", "/api/me", as: other).status == 200, "the other session goes on")
    }

    @Test func aSessionEndsWhenItsTimeIsUp() throws {
        let account = try t.register()
        t.advanceClock(by: t.services.configuration.sessionTTL - 1)
        #expect(t.request("GET", "/api/me", as: account).status == 200)
        t.advanceClock(by: 1)
        #expect(t.request("GET", "/api/me", as: account).status == 401)
    }
}
