/// Every endpoint of the API, in one table (API.md).
enum Routes {
    static func make() -> Router {
        var router = Router()
        router.add("GET", "/api/health", HealthController.health)
        return router
    }
}
