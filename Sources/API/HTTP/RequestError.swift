/// What is wrong with a request itself, before any rule of the domain is asked: answered
/// 400, 413 or 415 by `ErrorMapping`, like every other error.
enum RequestError: Error, Equatable {
    /// The declared body is larger than the limit (413).
    case bodyTooLarge(limit: Int)
    /// A body that is not `application/json` (415).
    case unsupportedMediaType
    /// A body that is not JSON, or JSON of the wrong shape; the text names the field (400).
    case malformedBody(String)
    /// A query parameter out of its range or format; the text says which and how (400).
    case invalidParameter(String)
    /// A `?cursor=` this API did not hand out (400).
    case invalidCursor
    /// An `Idempotency-Key` that is not 1 to 255 visible ASCII characters (400).
    case invalidIdempotencyKey
}
