/// Random, never-reused identifiers (users, bookings …): a restored database must not hand
/// an old id to a new object, so ids are random rather than counters.
public enum RandomID {
    /// `prefix` followed by lower-case RFC 4648 base32 (no padding) of `bytes` random bytes;
    /// the default 12 bytes (96 bits) give 20 characters, e.g. `u_mfrggzdfmztwq2lknnwg`.
    public static func make(prefix: String, bytes: Int = 12) -> String {
        precondition(bytes > 0, "an id needs at least one random byte")
        return prefix + ByteEncoding.base32(SecureRandom.bytes(bytes))
    }
}
